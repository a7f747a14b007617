import Foundation
import Testing
import TestSupport

/// The subscriber-facing interface disappearing (a driver reload, a deleted VLAN) and coming
/// back: the link monitor makes health say so at once, not at the next reconcile, and the
/// tree is rebuilt on the new device as soon as it appears.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct LinkLossEndToEndTests {
    @Test func lossIsDegradedAtOnceAndReturnIsRebuilt() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        // 30 s: anything within a few seconds comes from the link monitor, not the periodic pass.
        try daemon.start()
        let ctl = daemon.ctl
        let kernel = daemon.kernel

        try daemon.appendFeed(#"{"user":"alice","score":100}"# + "\n")
        #expect(try eventually { try kernel.classHandle(rate: "2Mbit") != nil }, "log: \(daemon.log)")

        try daemon.net.run(daemon.net.serverNS, ["ip", "link", "del", daemon.net.serverInterface])
        #expect(try eventually(timeout: 2) { try KernelObservation.health(ctl).status == "degraded" },
                "health after the interface went: \((try? KernelObservation.health(ctl)) ?? ("", []))\n\(daemon.log)")
        let errors = try KernelObservation.health(ctl).errors.joined(separator: " ")
        #expect(errors.contains(daemon.net.serverInterface), "the error names the interface: \(errors)")

        try daemon.net.run(daemon.net.serverNS, ["ip", "link", "add", daemon.net.serverInterface, "type", "veth", "peer", "name", daemon.net.serverInterface + "r"])
        try daemon.net.run(daemon.net.serverNS, ["ip", "link", "set", daemon.net.serverInterface, "up"])
        #expect(try eventually(timeout: 5) { try tierctl(ctl + ["health"]).status == 0 && kernel.classHandle(rate: "2Mbit") != nil },
                "not rebuilt on the returned interface: \(daemon.log)")
        #expect(try kernel.hasFilter(to: try #require(try kernel.classHandle(rate: "2Mbit"))))
    }
}
