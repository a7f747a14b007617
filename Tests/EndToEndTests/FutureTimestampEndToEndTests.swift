import Foundation
import Testing
import TestSupport

/// `{"user":"alice","score":100,"ts":"2099-01-01T00:00:00Z"}` used to freeze alice: every
/// later, correctly stamped event was `out_of_order`. Now it is rejected as
/// `future_timestamp` on both feeds (the socket producer is told which line), counted in
/// health and metrics, and the events after it apply.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct FutureTimestampEndToEndTests {
    @Test func aFarFutureEventIsRejectedOnBothFeedsAndFreezesNobody() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        let future = #""ts":"2099-01-01T00:00:00Z""#
        let now = Int(Date().timeIntervalSince1970)

        let outcome = RawFeedConnection.push(lines: [
            #"{"user":"alice","score":100,\#(future)}"#, #"{"user":"alice","score":600,"ts":\#(now)}"#,
        ], to: daemon.feedSocket)
        guard case .replied(let accepted, let rejected, let line) = outcome else {
            Issue.record("no reply: \(outcome)")
            return
        }
        #expect(accepted == 1 && rejected == 1, "\(line)")
        #expect(line.contains(#"{"line":1,"reason":"future_timestamp"}"#), "\(line)")
        #expect(try daemon.score("alice") == 600)
        let later = RawFeedConnection.push(lines: [#"{"user":"alice","score":550,"ts":\#(now + 1)}"#], to: daemon.feedSocket)
        #expect(later.isAcknowledged(accepted: 1))
        #expect(try daemon.score("alice") == 550, "a correctly stamped event after the future one applies")

        try daemon.setup.appendFeed(#"{"user":"bob","score":100,\#(future)}"# + "\n" + #"{"user":"bob","score":650,"ts":\#(now)}"# + "\n")
        #expect(try eventually(timeout: 10) { try daemon.score("bob") == 650 }, "bob \(daemon.scoreText("bob")): \(daemon.log)")

        let feed = try daemon.feedHealth()
        #expect(feed["rejected"] as? Int == 2, "health feed: \(feed)")
        #expect(feed["out_of_order"] as? Int == 0, "health feed: \(feed)")
        #expect(feed["last_rejection"] as? String == "file line 1: future_timestamp", "health feed: \(feed)")
        let metrics = try tierctl(daemon.ctl + ["metrics"]).output
        #expect(metrics.split(separator: "\n").contains { $0.hasPrefix(#"tierd_feed_rejected_total{reason="future_timestamp"} 2"#) }, "\(metrics)")
        #expect(daemon.log.contains("reason=future_timestamp"), "\(daemon.log)")
        #expect(try daemon.healthStatus() == "ok", "bad input is counted, not a health problem")
    }

    /// `tierctl --socket PATH push` reaches that daemon's feed socket (asked over `health`).
    @Test func pushWithOnlyTheControlSocketReachesTheDaemon() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        #expect(try daemon.feedHealth()["socket"] as? String == daemon.feedSocket)
        let pushed = try tierctl(daemon.ctl + ["push", "carol", "700"])
        #expect(pushed.status == 0, "\(pushed.output)")
        #expect(try daemon.score("carol") == 700)
    }
}
