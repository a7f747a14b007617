import Control
import Feed
import FeedParsing
import Foundation
import Scoring
import Testing

@Suite struct FeedCountersTests {
    @Test func countersCountByReasonAndEncodeReasonsAsKeys() throws {
        var counters = FeedCounters()
        let parser = FeedLineParser()
        for line in ["a,1", "", "junk", "{\"user\":\"a\"}", "junk too", "b,2"] {
            counters.record(parser.parse(line))
        }
        #expect(counters == FeedCounters(accepted: 2, rejected: [.notJSONOrCSV: 2, .missingScoreOrDelta: 1], blank: 1))
        #expect(counters.rejectedTotal == 3)
        let json = String(decoding: try JSONEncoder().encode(counters), as: UTF8.self)
        #expect(json.contains(#""not_json_or_csv":2"#))
        #expect(try JSONDecoder().decode(FeedCounters.self, from: Data(json.utf8)) == counters)
    }

    @Test func pushReplyWireFormat() throws {
        let reply = FeedPushReply(accepted: 3, rejected: 1, rejections: [FeedLineRejection(line: 2, reason: .badUserID)])
        #expect(reply.jsonLine == #"{"accepted":3,"rejected":1,"errors":[{"line":2,"reason":"bad_user_id"}]}"# + "\n")
        let refusal = FeedSocketRefusal(error: "apply_failed", message: "disk \"full\"\n\u{1}")
        #expect(refusal.jsonLine == #"{"accepted":0,"rejected":0,"errors":[],"error":"apply_failed","message":"disk \"full\"\n\u0001"}"# + "\n")
        #expect(try JSONDecoder().decode(FeedSocketRefusal.self, from: Data(refusal.jsonLine.utf8)) == refusal)
    }
}
