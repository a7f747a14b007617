import Control
import Feed
import FeedParsing
import Foundation
import Scoring
import Testing

@Suite struct FeedPushReplyTests {
    @Test func pushReplyWireFormat() throws {
        let reply = FeedPushReply(accepted: 3, rejected: 1, rejections: [FeedLineRejection(line: 2, reason: .badUserID)])
        #expect(reply.jsonLine == #"{"accepted":3,"rejected":1,"errors":[{"line":2,"reason":"bad_user_id"}]}"# + "\n")
        let refusal = FeedSocketRefusal(error: "apply_failed", message: "disk \"full\"\n\u{1}")
        #expect(refusal.jsonLine == #"{"accepted":0,"rejected":0,"errors":[],"error":"apply_failed","message":"disk \"full\"\n\u0001"}"# + "\n")
        #expect(try JSONDecoder().decode(FeedSocketRefusal.self, from: Data(refusal.jsonLine.utf8)) == refusal)
    }
}
