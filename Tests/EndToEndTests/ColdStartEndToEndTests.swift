import Foundation
import Testing
import TestSupport

/// Cold start from a feed backlog (issue 10): what the feed file already holds is scored
/// before the first converge, so ONE converge builds the whole tree and READY means every
/// user in it is shaped (not: an empty tree, READY, then classes created user by user).
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct ColdStartEndToEndTests {
    @Test func feedBacklogIsShapedByTheFirstConvergeBeforeReady() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        let count = 300
        var users = "id,addresses,unix_user\n"
        var feed = ""
        for index in 0..<count {
            users += "u\(index),10.99.\(index / 250).\(index % 250 + 1),\n"
            feed += #"{"user":"u\#(index)","score":300}"# + "\n"
        }
        try users.write(toFile: daemon.dir.path + "/users.csv", atomically: true, encoding: .utf8)
        try daemon.appendFeed(feed)

        let receiver = try NotifyReceiver(path: daemon.dir.path + "/notify.sock")
        try daemon.launch(environment: ["NOTIFY_SOCKET": receiver.path])
        let seen = receiver.messages(timeout: 30) { $0.contains("READY=1") }
        #expect(seen.contains { $0.contains("READY=1") }, "log: \(daemon.log)")

        // At READY, with nothing else done since: all users throttled, the kernel in sync...
        let ctl = daemon.ctl
        let health = try JSONSerialization.jsonObject(with: Data(try tierctl(ctl + ["health", "--json"]).output.utf8)) as? [String: Any]
        let report = health?["health"] as? [String: Any]
        #expect(report?["throttled"] as? Int == count, "health: \(String(describing: report))")
        #expect(report?["kernel_in_sync"] as? Bool == true, "health: \(String(describing: report))")
        #expect((report?["feed"] as? [String: Any])?["applied"] as? Int == count)
        // ...every user's class in the kernel (download side shown), built by a single pass.
        let classes = try daemon.net.run(daemon.net.serverNS, ["tc", "class", "show", "dev", daemon.net.serverInterface])
        #expect(classes.components(separatedBy: "rate 2Mbit").count - 1 == count)
        let metrics = try tierctl(ctl + ["metrics"]).output
        #expect(metrics.contains("tierd_apply_duration_seconds_count 1\n"), "metrics: \(metrics.split(separator: "\n").filter { $0.contains("apply_duration_seconds_count") })")
        #expect(!daemon.log.contains("journal replayed"))

        // The file service continues after the backlog: a new line still applies once.
        try daemon.appendFeed(#"{"user":"u0","score":900}"# + "\n")
        #expect(try eventually { try tierctl(ctl + ["status", "u0", "--json"]).output.contains("\"full\"") })
        let after = try JSONSerialization.jsonObject(with: Data(try tierctl(ctl + ["health", "--json"]).output.utf8)) as? [String: Any]
        #expect(((after?["health"] as? [String: Any])?["feed"] as? [String: Any])?["applied"] as? Int == count + 1)
        #expect(daemon.stop() == 0, "log: \(daemon.log)")
    }
}
