import Foundation
import Testing
import TestSupport

/// An administrator changing tierd's tree by hand: the drift monitor notices and the daemon
/// restores it long before the periodic reconcile would.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct DriftRepairEndToEndTests {
    @Test func handChangedRateAndDeletedShardAreRestoredByTheMonitor() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        // 30 s: a repair within 1.5 s can only come from the monitor, not from the periodic pass.
        try daemon.start()
        let ctl = daemon.ctl
        let kernel = daemon.kernel

        try daemon.appendFeed(#"{"user":"alice","score":100}"# + "\n" + #"{"user":"carol","score":600}"# + "\n")
        #expect(try eventually { try kernel.classHandle(rate: "2Mbit") != nil && kernel.classHandle(rate: "20Mbit") != nil },
                "log: \(daemon.log)")
        let alice = try #require(try kernel.classHandle(rate: "2Mbit"))
        let repairsBefore = try KernelObservation.metric(ctl, "tierd_reconcile_repairs_total") ?? 0

        // A rate changed by hand.
        let qdisc = String(alice.split(separator: ":")[0]) + ":"
        _ = try kernel.tc(["class", "change", "dev", daemon.net.serverInterface, "parent", qdisc, "classid", alice, "htb", "rate", "1mbit"])
        #expect(try kernel.classHandle(rate: "1Mbit") == alice)
        #expect(try eventually(timeout: 1.5) { try kernel.classHandle(rate: "2Mbit") == alice && kernel.classHandle(rate: "1Mbit") == nil },
                "rate not restored: \((try? kernel.classes()) ?? "")\n\(daemon.log)")

        // A whole inner qdisc deleted by hand: its classes, leaves and filters go with it.
        let shardLine = try #require(try kernel.tc(["qdisc", "show", "dev", daemon.net.serverInterface]).split(separator: "\n")
            .first { $0.hasPrefix("qdisc htb \(qdisc) ") })
        let words = shardLine.split(separator: " ")
        let parent = try #require(words.firstIndex(of: "parent").map { String(words[$0 + 1]) })
        _ = try kernel.tc(["qdisc", "del", "dev", daemon.net.serverInterface, "parent", parent, "handle", qdisc])
        #expect(try kernel.classHandle(rate: "2Mbit") == nil)
        #expect(try eventually(timeout: 1.5) {
            try kernel.classHandle(rate: "2Mbit") != nil && kernel.classHandle(rate: "20Mbit") != nil
                && kernel.hasFilter(to: kernel.classHandle(rate: "2Mbit")!) && kernel.hasFilter(to: kernel.classHandle(rate: "20Mbit")!)
        }, "tree not restored: \((try? kernel.classes()) ?? "")\n\(daemon.log)")

        #expect(try eventually { try tierctl(ctl + ["health"]).status == 0 })
        let repairsAfter = try KernelObservation.metric(ctl, "tierd_reconcile_repairs_total") ?? 0
        #expect(repairsAfter >= repairsBefore + 2, "repairs counted: \(repairsBefore) -> \(repairsAfter)")
        #expect(daemon.log.contains("foreign traffic control change"), "log: \(daemon.log)")
        #expect(daemon.log.contains("kernel drift repaired"), "log: \(daemon.log)")
    }

    @Test func driftIsRepairedWithinOneReconcileInterval() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.setup.setReconcileInterval("2s")
        try daemon.start()
        let kernel = daemon.kernel

        try daemon.appendFeed(#"{"user":"bob","score":100}"# + "\n")
        #expect(try eventually { try kernel.classHandle(rate: "2Mbit") != nil }, "log: \(daemon.log)")
        let bob = try #require(try kernel.classHandle(rate: "2Mbit"))
        let qdisc = String(bob.split(separator: ":")[0]) + ":"
        // As an administrator would: the class, and the classifier's egress hook.
        _ = qdisc
        _ = try kernel.tc(["class", "del", "dev", daemon.net.serverInterface, "classid", bob])
        _ = try kernel.tc(["filter", "del", "dev", daemon.net.serverInterface, "egress"])
        #expect(try eventually(timeout: 2.5) { try kernel.classHandle(rate: "2Mbit") != nil && kernel.hasFilter(to: kernel.classHandle(rate: "2Mbit")!) },
                "not restored within one interval: \((try? kernel.classes()) ?? "")\n\(daemon.log)")
    }
}
