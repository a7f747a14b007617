import Foundation
import Testing
import TestSupport

/// The daemon's sd_notify conversation, as systemd would see it.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct SystemdNotifyTests {
    @Test func readyReloadingReadyStoppingInOrder() throws {
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

        var seen = receiver.messages(timeout: 20) { $0.contains("READY=1") }
        kill(daemon.process.processIdentifier, SIGHUP)
        seen += receiver.messages(timeout: 10) { $0.contains("READY=1") && !$0.contains("RELOADING=1") }
        #expect(daemon.stop() == 0, "log: \(daemon.log)")
        seen += receiver.messages(timeout: 2) { $0.contains("STOPPING=1") }

        let order = seen.compactMap { message -> String? in
            if message.contains("RELOADING=1") { return message.contains("MONOTONIC_USEC=") ? "RELOADING+MONOTONIC" : "RELOADING" }
            if message.contains("READY=1") { return "READY" }
            if message.contains("STOPPING=1") { return "STOPPING" }
            return nil
        }
        #expect(order == ["READY", "RELOADING+MONOTONIC", "READY", "STOPPING"], "messages: \(seen)")
    }
}
