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

    private func footprint(_ net: TestNetwork, _ setup: DaemonSetup) throws -> Footprint {
        var kernel = ""
        for device in [net.serverInterface, "ifb-tierdt"] {
            for kind in ["qdisc", "class", "filter"] {
                let text = try net.run(net.serverNS, ["tc", kind, "show", "dev", device])
                kernel += text.replacingOccurrences(of: #"direct_packets_stat \d+"#, with: "", options: .regularExpression)
            }
        }
        let sockets = [setup.controlSocket, setup.directory + "/feed.sock"].map { path -> UInt64 in
            var info = stat()
            return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
        }
        let stateDir = setup.directory + "/state"
        return Footprint(
            kernel: kernel, sockets: sockets,
            stateFiles: ((try? FileManager.default.contentsOfDirectory(atPath: stateDir)) ?? []).filter { $0 != "state.json" }.sorted(),
            lockText: (try? String(contentsOfFile: stateDir + "/tierd.lock", encoding: .utf8)) ?? "")
    }

    /// Runs a second tierd to completion in the namespace; returns its status, output and
    /// whatever it sent to its own notify socket.
    private func runSecond(_ net: TestNetwork, configPath: String, directory: String) throws -> (status: Int32, output: String, notified: [String]) {
        let receiver = try NotifyReceiver(path: directory + "/notify-second.sock")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", net.serverNS, BuiltProducts.tierd, "--config", configPath]
        process.environment = ProcessInfo.processInfo.environment.merging(["NOTIFY_SOCKET": receiver.path]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), receiver.messages(timeout: 0.3))
    }

    private func startFirst(_ net: TestNetwork, _ setup: DaemonSetup, log: String) throws -> (DaemonProcess, pid: Int32) {
        let daemon = try DaemonProcess(configPath: setup.configPath, namespace: net.serverNS, logPath: log)
        guard try eventually(timeout: 15, { try tierctl(["--socket", setup.controlSocket, "health"]).status == 0 }) else {
            throw CommandError(command: ["tierd"], status: -1, output: "first tierd never became healthy: \(daemon.log)")
        }
        let text = try String(contentsOfFile: setup.directory + "/state/tierd.lock", encoding: .utf8)
        return (daemon, Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
    }

    @Test func secondInstanceWithTheSameConfigRefusesAndTouchesNothing() throws {
        let net = try TestNetwork.make()
        defer { net.destroy() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let setup = try DaemonSetup(directory: dir.path, interface: net.serverInterface)
        try setup.appendFeed(#"{"user":"alice","score":600}"# + "\n")
        let (first, pid) = try startFirst(net, setup, log: dir.path + "/first.log")
        defer { first.stop() }
        #expect(pid == first.process.processIdentifier)
        let ctl = ["--socket", setup.controlSocket]
        let before = try footprint(net, setup)

        let second = try runSecond(net, configPath: setup.configPath, directory: dir.path)
        #expect(second.status == 75, "output: \(second.output)")
        #expect(second.output.contains("pid \(pid)"), "output: \(second.output)")
        #expect(second.output.contains("tierd.lock"), "output: \(second.output)")
        #expect(!second.output.contains(": ready"), "output: \(second.output)")
        #expect(!second.notified.contains { $0.contains("READY=1") }, "notified: \(second.notified)")

        let after = try footprint(net, setup)
        #expect(after == before, "before: \(before)\nafter: \(after)")
        #expect(try tierctl(ctl + ["health"]).status == 0)
        // The feed socket is still the first one's, and it still takes events.
        #expect(try tierctl(["push", "bob", "300", "--feed-socket", setup.directory + "/feed.sock"]).status == 0)
        #expect(try eventually { try tierctl(ctl + ["status", "bob", "--json"]).output.contains("\"minimal\"") })
        #expect(first.stop() == 0, "log: \(first.log)")
    }

    @Test func secondInstanceFromAnotherConfigOnTheSameInterfaceRefuses() throws {
        let net = try TestNetwork.make()
        defer { net.destroy() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let setup = try DaemonSetup(directory: dir.path, interface: net.serverInterface)
        let (first, pid) = try startFirst(net, setup, log: dir.path + "/first.log")
        defer { first.stop() }
        let before = try footprint(net, setup)

        // Its own state directory and sockets, the same interface.
        let otherDirectory = dir.path + "/other"
        try FileManager.default.createDirectory(atPath: otherDirectory, withIntermediateDirectories: false)
        let other = try DaemonSetup(directory: otherDirectory, interface: net.serverInterface)
        try other.appendFeed(#"{"user":"alice","score":100}"# + "\n")
        let second = try runSecond(net, configPath: other.configPath, directory: dir.path)
        #expect(second.status == 75, "output: \(second.output)")
        #expect(second.output.contains("pid \(pid)"), "output: \(second.output)")
        #expect(second.output.contains("device \(net.serverInterface)"), "output: \(second.output)")
        #expect(!second.notified.contains { $0.contains("READY=1") }, "notified: \(second.notified)")

        let after = try footprint(net, setup)
        #expect(after == before, "before: \(before)\nafter: \(after)")
        // It took nothing of its own either: no sockets, no state but the (released) lock file.
        #expect(!FileManager.default.fileExists(atPath: other.controlSocket))
        #expect(!FileManager.default.fileExists(atPath: otherDirectory + "/feed.sock"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: otherDirectory + "/state") == ["tierd.lock"])
        #expect(try tierctl(["--socket", setup.controlSocket, "health"]).status == 0)
    }

    /// flock and the abstract socket die with the process: a `kill -9` leaves a lock file and
    /// socket files behind, and neither blocks the restart.
    @Test func staleLockFromAKilledInstanceDoesNotBlockARestart() throws {
        let net = try TestNetwork.make()
        defer { net.destroy() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let setup = try DaemonSetup(directory: dir.path, interface: net.serverInterface)
        let (first, pid) = try startFirst(net, setup, log: dir.path + "/first.log")
        first.stop(signal: SIGKILL)
        #expect(FileManager.default.fileExists(atPath: setup.directory + "/state/tierd.lock"))
        #expect(FileManager.default.fileExists(atPath: setup.controlSocket))

        let (restarted, newPID) = try startFirst(net, setup, log: dir.path + "/restarted.log")
        defer { restarted.stop() }
        #expect(newPID != pid)
        #expect(newPID == restarted.process.processIdentifier)
        #expect(restarted.stop() == 0, "log: \(restarted.log)")
    }

    /// READY=1 means "answers": both sockets accept and health is ok the moment it arrives.
    @Test func readyComesOnlyOnceEverySocketAnswers() throws {
        let net = try TestNetwork.make()
        defer { net.destroy() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let setup = try DaemonSetup(directory: dir.path, interface: net.serverInterface)
        let receiver = try NotifyReceiver(path: dir.path + "/notify.sock")
        let daemon = try DaemonProcess(
            configPath: setup.configPath, namespace: net.serverNS, logPath: dir.path + "/tierd.log",
            environment: ["NOTIFY_SOCKET": receiver.path])
        defer { daemon.stop() }
        let seen = receiver.messages(timeout: 20) { $0.contains("READY=1") }
        #expect(seen.contains { $0.contains("READY=1") }, "log: \(daemon.log)")
        #expect(try tierctl(["--socket", setup.controlSocket, "health"]).status == 0)
        #expect(try tierctl(["push", "alice", "600", "--feed-socket", setup.directory + "/feed.sock"]).status == 0)
    }
}
