import Foundation
import Testing
import TestSupport

/// The daemon's sd_notify conversation, as systemd would see it.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct SystemdNotifyTests {
    @Test func readyReloadingReadyStoppingInOrder() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        let receiver = try NotifyReceiver(path: daemon.dir.path + "/notify.sock")
        try daemon.launch(environment: ["NOTIFY_SOCKET": receiver.path])

        var seen = receiver.messages(timeout: 20) { $0.contains("READY=1") }
        kill(try #require(daemon.process).process.processIdentifier, SIGHUP)
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
