import Foundation
import Testing
import TestSupport

/// One tierd per state directory and per device (issue 11, "No single owner"): a second
/// instance refuses before touching the kernel, any socket or any state file, names the
/// running one, exits 75, and never announces READY; the first keeps its sockets and its
/// health. READY itself comes only once every socket answers.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct SingleOwnerEndToEndTests {
    /// What a second instance could disturb: the kernel objects on both devices (without
    /// their packet counters), the first instance's socket files, the lock file, and the
    /// names in the state directory (but `state.json`, which the first rewrites on its own).
    private struct Footprint: Equatable {
        var kernel: String
        var sockets: [UInt64]
        var stateFiles: [String]
        var lockText: String
    }

    private func footprint(_ daemon: DaemonFixture) throws -> Footprint {
        let net = daemon.net
        var kernel = ""
        for device in [net.serverInterface, "ifb-tierdt"] {
            for kind in ["qdisc", "class", "filter"] {
                let text = try net.run(net.serverNS, ["tc", kind, "show", "dev", device])
                kernel += text.replacingOccurrences(of: #"direct_packets_stat \d+"#, with: "", options: .regularExpression)
            }
        }
        let sockets = [daemon.controlSocket, daemon.feedSocket].map { path -> UInt64 in
            var info = stat()
            return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
        }
        let stateDir = daemon.stateDir
        return Footprint(
            kernel: kernel, sockets: sockets,
            stateFiles: ((try? FileManager.default.contentsOfDirectory(atPath: stateDir)) ?? []).filter { $0 != "state.json" }.sorted(),
            lockText: (try? String(contentsOfFile: stateDir + "/tierd.lock", encoding: .utf8)) ?? "")
    }

    /// Runs a second tierd to completion in the namespace; returns its status, output and
    /// whatever it sent to its own notify socket.
    private func runSecond(_ net: TestNetwork, configPath: String, directory: String) throws -> (status: Int32, output: String, notified: [String]) {
        let receiver = try NotifyReceiver(path: directory + "/notify-second.sock")
        let (status, output) = try runProcess(
            "/usr/bin/env", ["ip", "netns", "exec", net.serverNS, BuiltProducts.tierd, "--config", configPath],
            environment: ["NOTIFY_SOCKET": receiver.path])
        return (status, output, receiver.messages(timeout: 0.3))
    }

    /// Starts the fixture's tierd (the first instance); returns the PID its lock file names.
    private func startFirst(_ daemon: DaemonFixture) throws -> Int32 {
        try daemon.start(timeout: 15)
        let text = try String(contentsOfFile: daemon.stateDir + "/tierd.lock", encoding: .utf8)
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func secondInstanceWithTheSameConfigRefusesAndTouchesNothing() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.appendFeed(#"{"user":"alice","score":600}"# + "\n")
        let pid = try startFirst(daemon)
        #expect(pid == daemon.process?.process.processIdentifier)
        let ctl = daemon.ctl
        let before = try footprint(daemon)

        let second = try runSecond(daemon.net, configPath: daemon.configPath, directory: daemon.dir.path)
        #expect(second.status == 75, "output: \(second.output)")
        #expect(second.output.contains("pid \(pid)"), "output: \(second.output)")
        #expect(second.output.contains("tierd.lock"), "output: \(second.output)")
        #expect(!second.output.contains(": ready"), "output: \(second.output)")
        #expect(!second.notified.contains { $0.contains("READY=1") }, "notified: \(second.notified)")

        let after = try footprint(daemon)
        #expect(after == before, "before: \(before)\nafter: \(after)")
        #expect(try tierctl(ctl + ["health"]).status == 0)
        // The feed socket is still the first one's, and it still takes events.
        #expect(try tierctl(["push", "bob", "300", "--feed-socket", daemon.feedSocket]).status == 0)
        #expect(try eventually { try tierctl(ctl + ["status", "bob", "--json"]).output.contains("\"minimal\"") })
        #expect(daemon.stop() == 0, "log: \(daemon.log)")
    }

    @Test func secondInstanceFromAnotherConfigOnTheSameInterfaceRefuses() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        let pid = try startFirst(daemon)
        let before = try footprint(daemon)

        // Its own state directory and sockets, the same interface.
        let otherDirectory = daemon.dir.path + "/other"
        try FileManager.default.createDirectory(atPath: otherDirectory, withIntermediateDirectories: false)
        let other = try DaemonSetup(directory: otherDirectory, interface: daemon.net.serverInterface)
        try other.appendFeed(#"{"user":"alice","score":100}"# + "\n")
        let second = try runSecond(daemon.net, configPath: other.configPath, directory: daemon.dir.path)
        #expect(second.status == 75, "output: \(second.output)")
        #expect(second.output.contains("pid \(pid)"), "output: \(second.output)")
        #expect(second.output.contains("device \(daemon.net.serverInterface)"), "output: \(second.output)")
        #expect(!second.notified.contains { $0.contains("READY=1") }, "notified: \(second.notified)")

        let after = try footprint(daemon)
        #expect(after == before, "before: \(before)\nafter: \(after)")
        // It took nothing of its own either: no sockets, no state but the (released) lock file.
        #expect(!FileManager.default.fileExists(atPath: other.controlSocket))
        #expect(!FileManager.default.fileExists(atPath: otherDirectory + "/feed.sock"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: otherDirectory + "/state") == ["tierd.lock"])
        #expect(try daemon.tierctl(["health"]).status == 0)
    }

    /// flock and the abstract socket die with the process: a `kill -9` leaves a lock file and
    /// socket files behind, and neither blocks the restart.
    @Test func staleLockFromAKilledInstanceDoesNotBlockARestart() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        let pid = try startFirst(daemon)
        daemon.kill9()
        #expect(FileManager.default.fileExists(atPath: daemon.stateDir + "/tierd.lock"))
        #expect(FileManager.default.fileExists(atPath: daemon.controlSocket))

        let newPID = try startFirst(daemon)
        #expect(newPID != pid)
        #expect(newPID == daemon.process?.process.processIdentifier)
        #expect(daemon.stop() == 0, "log: \(daemon.log)")
    }

    /// READY=1 means "answers": both sockets accept and health is ok the moment it arrives.
    @Test func readyComesOnlyOnceEverySocketAnswers() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        let receiver = try NotifyReceiver(path: daemon.dir.path + "/notify.sock")
        try daemon.launch(environment: ["NOTIFY_SOCKET": receiver.path])
        let seen = receiver.messages(timeout: 20) { $0.contains("READY=1") }
        #expect(seen.contains { $0.contains("READY=1") }, "log: \(daemon.log)")
        #expect(try tierctl(["--socket", daemon.controlSocket, "health"]).status == 0)
        #expect(try tierctl(["push", "alice", "600", "--feed-socket", daemon.feedSocket]).status == 0)
    }
}
