import Foundation
import Testing
import TestSupport

/// The daemon's ready classes (`spare_classes`): a user who becomes throttled is shaped in a
/// class that existed before, and the daemon's tick creates the replacement.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct ReadyClassEndToEndTests {
    @Test func aNewlyThrottledUserTakesAReadyClassAndTheTickReplacesIt() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.setup.addNetworkSetting("spare_classes = 2")
        try daemon.start()
        let ctl = daemon.ctl
        let kernel = daemon.kernel

        // Nobody is throttled: only the two ready classes per direction, never limiting.
        let ready = try kernel.userClasses()
        #expect(ready.count == 2 && ready.allSatisfy { $0.rate == "400Gbit" }, "\(ready)")
        #expect(try kernel.userClasses(upload: true).count == 2)

        try daemon.appendFeed(#"{"user":"alice","score":600}"# + "\n")
        #expect(try eventually { try kernel.classHandle(rate: "20Mbit") != nil }, "log: \(daemon.log)")
        let alice = try #require(try kernel.classHandle(rate: "20Mbit"))
        #expect(ready.map(\.handle).contains(alice), "alice got \(alice), ready were \(ready)")
        #expect(try kernel.hasFilter(to: alice))
        // The tick (5 per second) replaces the class she took, in both directions.
        #expect(try eventually(timeout: 2) {
            try kernel.userClasses().filter { $0.rate == "400Gbit" }.count == 2
                && kernel.userClasses(upload: true).filter { $0.rate == "400Gbit" }.count == 2
        }, "\((try? kernel.classes()) ?? "")\n\(daemon.log)")

        // Back to unthrottled: the ready classes are complete, so her class is deleted.
        try daemon.appendFeed(#"{"user":"alice","score":900}"# + "\n")
        #expect(try eventually { try kernel.classHandle(rate: "20Mbit") == nil }, "log: \(daemon.log)")
        #expect(try kernel.userClasses().map(\.rate) == ["400Gbit", "400Gbit"])
        #expect(try tierctl(ctl + ["health"]).status == 0)
    }
}
