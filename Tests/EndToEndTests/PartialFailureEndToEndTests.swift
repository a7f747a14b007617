import Foundation
import Testing
import TestSupport

/// A kernel refusal on one object: reported by `tierctl health` with the object, the rest
/// still applied, and repaired by the next pass once the cause is gone.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct PartialFailureEndToEndTests {
    @Test func refusedObjectIsReportedAndRepairedOnceTheCauseIsRemoved() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        // No ready classes: the first shard is then needed only once alice is throttled, so the
        // daemon starts healthy and the refusal comes with her change.
        try daemon.setup.addNetworkSetting("spare_classes = 0")
        let kernel = daemon.kernel
        // Before tierd starts, someone builds the start of its tree by hand, but puts a pfifo
        // where tierd's first shard needs its inner HTB (handle 7200:): the kernel will refuse
        // tierd's HTB there ("qdisc kind does not match") until that pfifo is gone.
        _ = try kernel.tc(["qdisc", "add", "dev", daemon.net.serverInterface, "root", "handle", "7164:", "htb", "default", "0"])
        _ = try kernel.tc(["class", "add", "dev", daemon.net.serverInterface, "parent", "7164:", "classid", "7164:1", "htb", "rate", "400gbit"])
        _ = try kernel.tc(["qdisc", "add", "dev", daemon.net.serverInterface, "parent", "7164:1", "handle", "7200:", "pfifo"])

        try daemon.start()
        let ctl = daemon.ctl

        try daemon.appendFeed(#"{"user":"alice","score":100}"# + "\n")
        #expect(try eventually { try KernelObservation.health(ctl).status == "degraded" }, "log: \(daemon.log)")
        let health = try KernelObservation.health(ctl)
        #expect(health.errors.contains { $0.contains("7200:") && $0.contains(daemon.net.serverInterface) }, "errors: \(health.errors)")
        #expect(try tierctl(ctl + ["health"]).status == 1)
        // The other direction was not held back by the refusal.
        #expect(try eventually { try kernel.classHandle(rate: "1Mbit", upload: true) != nil }, "upload class: \((try? kernel.classes(upload: true)) ?? "")")
        #expect(try kernel.classHandle(rate: "2Mbit") == nil)

        // The cause removed: the next pass (drift monitor or tick) builds the shard and alice's class.
        _ = try kernel.tc(["qdisc", "del", "dev", daemon.net.serverInterface, "parent", "7164:1", "handle", "7200:"])
        #expect(try eventually(timeout: 3) { try KernelObservation.health(ctl).status == "ok" }, "health: \(String(describing: try? KernelObservation.health(ctl)))\n\(daemon.log)")
        let alice = try #require(try kernel.classHandle(rate: "2Mbit"))
        #expect(try kernel.hasFilter(to: alice))
        #expect(try tierctl(ctl + ["health"]).status == 0)
    }
}
