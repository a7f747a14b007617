import Foundation
import Testing
import TestSupport

/// The feed path turned into something that is not a regular file while tierd runs: the
/// daemon keeps running and shaping, says what is wrong in `health` (degraded, path and
/// reason), in the metrics and (a few lines, not a flood) in the log, and follows the
/// feed again as soon as a regular file is back. Before, each of these ended the daemon
/// with exit 1 (`service failed: notARegularFile`), or a FIFO held a thread in open().
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct FeedFileHazardEndToEndTests {
    @Test func directoryFifoAndDeviceAtTheFeedPathDegradeHealthAndFollowingResumes() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        let feed = daemon.setup.feedPath
        let files = FileManager.default
        var score = 600.0
        /// A regular file with one more alice line replaces whatever is at the path.
        func regularFileIsFollowedAgain() throws {
            score += 1
            try? files.removeItem(atPath: feed)
            try #"{"user":"alice","score":\#(score)}"#.appending("\n").write(toFile: feed + ".tmp", atomically: false, encoding: .utf8)
            #expect(rename(feed + ".tmp", feed) == 0)
            #expect(try eventually(timeout: 10) { try daemon.score("alice") == score && daemon.healthStatus() == "ok" },
                    "alice \(daemon.scoreText("alice")), feed \(daemon.feedHealthText()): \(daemon.log)")
        }
        /// Health says degraded with the path and `reason`, metrics say the source is down.
        func degraded(_ reason: String) throws {
            #expect(try eventually(timeout: 10) {
                try daemon.healthStatus() == "degraded" && (daemon.feedHealth()["file_error"] as? String)?.contains(reason) == true
            }, "feed \(daemon.feedHealthText()): \(daemon.log)")
            let health = try tierctl(daemon.ctl + ["health"])
            #expect(health.status == 1)
            #expect(health.output.contains("feed file \(feed): \(feed) is a \(reason)"), "\(health.output)")
            #expect(try daemon.feedHealth()["file_status"] as? String == "failed")
            let metrics = try tierctl(daemon.ctl + ["metrics"]).output
            #expect(Self.value(of: "tierd_feed_file_up", in: metrics) == 0, "\(metrics)")
            #expect(daemon.process?.process.isRunning == true, "daemon died: \(daemon.log)")
        }

        try regularFileIsFollowedAgain()

        try files.removeItem(atPath: feed)
        try files.createDirectory(atPath: feed, withIntermediateDirectories: false)
        try degraded("directory")
        // Shaping and the other feed are untouched while the file feed is down.
        #expect(try daemon.score("alice") == score)
        #expect(RawFeedConnection.push(lines: [#"{"user":"bob","score":700}"#], to: daemon.feedSocket).isAcknowledged(accepted: 1))
        #expect(try daemon.score("bob") == 700)
        try regularFileIsFollowedAgain()

        try files.removeItem(atPath: feed)
        #expect(mkfifo(feed, 0o666) == 0)
        try degraded("FIFO")
        // The daemon holds no reader: a writer that will not wait finds none (ENXIO), and
        // one that opens and writes is not read at all (the daemon used to exit here).
        let nonBlocking = open(feed, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        #expect(nonBlocking < 0 && errno == ENXIO)
        if nonBlocking >= 0 { close(nonBlocking) }
        try regularFileIsFollowedAgain()

        for device in ["/dev/zero", "/dev/urandom"] {
            #expect(symlink(device, feed + ".link") == 0)
            #expect(rename(feed + ".link", feed) == 0)
            try degraded("character device")
            try regularFileIsFollowedAgain()
        }
        let failures = try tierctl(daemon.ctl + ["metrics"]).output
        #expect(Self.value(of: "tierd_feed_file_failures_total", in: failures) == 4, "\(failures)")
        #expect(Self.value(of: "tierd_feed_file_up", in: failures) == 1, "\(failures)")
        let logged = daemon.log.components(separatedBy: "feed file source failed").count - 1
        #expect(logged == 4, "one log line per failure: \(daemon.log)")
        #expect(daemon.process?.process.isRunning == true)
    }

    /// The feed directory removed (and re-created later): degraded, then followed again.
    @Test func feedDirectoryRemovedAndRecreated() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        let spool = daemon.dir.path + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: false)
        let config = try String(contentsOfFile: daemon.setup.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "file = \"\(daemon.dir.path)/scores.jsonl\"", with: "file = \"\(spool)/scores.jsonl\"")
            .write(toFile: daemon.setup.configPath, atomically: true, encoding: .utf8)
        try daemon.start()

        try FileManager.default.removeItem(atPath: spool)
        #expect(try eventually(timeout: 10) {
            try daemon.healthStatus() == "degraded" && (daemon.feedHealth()["file_error"] as? String) == "directory \(spool) does not exist"
        }, "feed \(daemon.feedHealthText()): \(daemon.log)")
        #expect(daemon.process?.process.isRunning == true, "daemon died: \(daemon.log)")

        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: false)
        try #"{"user":"carol","score":450}"#.appending("\n").write(toFile: spool + "/scores.jsonl", atomically: true, encoding: .utf8)
        #expect(try eventually(timeout: 10) { try daemon.score("carol") == 450 && daemon.healthStatus() == "ok" },
                "carol \(daemon.scoreText("carol")), feed \(daemon.feedHealthText()): \(daemon.log)")
    }

    /// The value of an unlabelled metric in Prometheus text.
    static func value(of name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }
}
