import Foundation
import Testing
import TestSupport

/// Hostile local conditions in state_dir (issue 11): nothing is acknowledged unless it is
/// durable. A full disk refuses overrides and pushes with the file and errno, changes
/// nothing, marks health degraded (logging the failure once, not every tick) and recovers by
/// itself once there is room; a removed state_dir is recreated; a rotated audit log is
/// followed; a symlink planted in state_dir is refused, never written through.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to mount a tmpfs and create network namespaces"))
struct PersistenceFailureEndToEndTests {
    @Test func aFullStateDirRefusesChangesUntilThereIsRoomAgain() throws {
        let scenario = try DaemonFixture(scoring: ScoringSettings(staleAfter: "0s"))
        defer { scenario.tearDown() }
        try FileManager.default.createDirectory(atPath: scenario.stateDir, withIntermediateDirectories: false)
        // Mounted before tierd starts, so its namespace (ip netns exec) has the same mount.
        let disk = try SmallFilesystem(size: "256k", on: scenario.stateDir)
        defer { disk.remove() }
        try scenario.start()
        #expect(try tierctl(scenario.ctl + ["override", "carol", "reduced"]).status == 0)
        disk.fill()

        let override = try tierctl(scenario.ctl + ["override", "alice", "minimal", "--reason", "ticket 1"])
        #expect(override.status == 1, "\(override.output)")
        #expect(override.output.contains(
            "tierctl: persistence: not changed: could not save the state: \(scenario.stateDir)/state.json: No space left on device (errno 28)"),
            "\(override.output)")
        let alice = try scenario.status("alice")
        #expect(alice["tier"] as? String == "full" && alice["override"] is NSNull, "rolled back: \(alice)")
        #expect(try scenario.kernel.classHandle(rate: "2Mbit") == nil, "a refused override must not reach the kernel")

        let push = try tierctl(["push", "bob", "300", "--feed-socket", scenario.feedSocket])
        #expect(push.status == 1, "\(push.output)")
        #expect(push.output.contains("tierctl: refused (apply_failed): the events were not applied: \(scenario.stateDir)/journal-"), "\(push.output)")
        #expect(push.output.contains("No space left on device (errno 28)"), "\(push.output)")
        #expect(try scenario.status("bob")["tier"] as? String == "full")

        // clear and reload are refused the same way, and leave everything as it was.
        let clear = try tierctl(scenario.ctl + ["clear", "carol"])
        #expect(clear.status == 1 && clear.output.contains("persistence: not changed"), "\(clear.output)")
        #expect((try scenario.status("carol")["override"] as? [String: Any])?["tier"] as? String == "reduced")
        let users = scenario.dir.file("users.csv")
        try (try String(contentsOfFile: users, encoding: .utf8) + "dave,10.98.2.1,\n").write(toFile: users, atomically: false, encoding: .utf8)
        let reload = try tierctl(scenario.ctl + ["reload"])
        #expect(reload.status == 1, "\(reload.output)")
        #expect(reload.output.contains("persistence: reload not applied, still running the previous configuration"), "\(reload.output)")
        #expect(try tierctl(scenario.ctl + ["status", "dave"]).status == 1, "the refused reload must not add dave")

        let health = try tierctl(scenario.ctl + ["health"])
        #expect(health.status == 1)
        #expect(health.output.contains("status") && health.output.contains("degraded"), "\(health.output)")
        #expect(health.output.contains("state not durable since"), "\(health.output)")
        #expect(health.output.contains("No space left on device"), "\(health.output)")

        // The snapshot is retried once a second, but the log says it once, not five times a second.
        usleep(2_500_000)
        let repeats = scenario.log.components(separatedBy: "No space left on device").count - 1
        #expect((1...2).contains(repeats), "log repeats the failure \(repeats) times:\n\(scenario.log)")

        let metrics = try tierctl(scenario.ctl + ["metrics"]).output
        #expect(metrics.contains(#"tierd_persistence_errors_total{kind="state"}"#), "\(metrics)")

        disk.freeUp()
        #expect(try eventually(timeout: 5) { try tierctl(scenario.ctl + ["health"]).status == 0 }, "\(scenario.log)")
        #expect(try tierctl(scenario.ctl + ["override", "alice", "minimal", "--reason", "ticket 1"]).status == 0)
        #expect(try scenario.push("bob", 300))
        #expect(try tierctl(scenario.ctl + ["reload"]).status == 0)
        #expect(try tierctl(scenario.ctl + ["status", "dave"]).status == 0)

        // Acknowledged means durable: kill -9 loses none of it.
        scenario.stop(signal: SIGKILL)
        try scenario.start()
        let restored = try scenario.status("alice")
        #expect((restored["override"] as? [String: Any])?["tier"] as? String == "minimal", "\(restored)")
        #expect(try scenario.status("bob")["score"] as? Double == 300)
    }

    @Test func aRemovedStateDirIsRecreatedAndTheAuditLogFollowsRotationButNoSymlink() throws {
        let scenario = try DaemonFixture(scoring: ScoringSettings(staleAfter: "0s"))
        defer { scenario.tearDown() }
        try scenario.start()

        // logrotate: mv audit.jsonl audit.jsonl.1, and the next record is in a new file.
        #expect(try scenario.push("alice", 300))
        try FileManager.default.moveItem(atPath: scenario.auditPath, toPath: scenario.auditPath + ".1")
        #expect(try scenario.push("alice", 900))
        #expect(try eventually { try scenario.audit("alice").map { $0["to"] as? String } == ["full"] })
        #expect(try String(contentsOfFile: scenario.auditPath + ".1", encoding: .utf8).split(separator: "\n").count == 1)

        // state_dir removed while running: recreated, and what is acknowledged is in it.
        try FileManager.default.removeItem(atPath: scenario.stateDir)
        let override = try tierctl(scenario.ctl + ["override", "bob", "minimal"])
        #expect(override.status == 0, "\(override.output)")
        #expect(FileManager.default.fileExists(atPath: scenario.stateDir + "/state.json"))
        #expect(try scenario.audit("bob").last?["to"] as? String == "minimal")
        #expect(try tierctl(scenario.ctl + ["health"]).status == 0)

        // A symlink in place of the audit log: refused and reported, never written through.
        let outside = scenario.dir.file("outside")
        try scenario.dir.write("outside", "")
        try FileManager.default.removeItem(atPath: scenario.auditPath)
        #expect(symlink(outside, scenario.auditPath) == 0)
        #expect(try scenario.push("carol", 300))
        #expect(try eventually { try tierctl(scenario.ctl + ["health"]).status == 1 })
        let health = try tierctl(scenario.ctl + ["health"]).output
        #expect(health.contains("audit not durable") && health.contains("is a symbolic link"), "\(health)")
        #expect(try String(contentsOfFile: outside, encoding: .utf8).isEmpty)
        // Once the link is gone the waiting line is written and health recovers.
        try FileManager.default.removeItem(atPath: scenario.auditPath)
        #expect(try eventually(timeout: 5) { try tierctl(scenario.ctl + ["health"]).status == 0 }, "\(scenario.log)")
        #expect(try scenario.audit("carol").last?["to"] as? String == "minimal")

        scenario.stop(signal: SIGKILL)
        try scenario.start()
        #expect((try scenario.status("bob")["override"] as? [String: Any])?["tier"] as? String == "minimal")
        #expect(try scenario.status("alice")["score"] as? Double == 900)
        #expect(try scenario.status("carol")["score"] as? Double == 300)
    }
}
