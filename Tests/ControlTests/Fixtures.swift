import Control
import Foundation

/// Shared sample values for the Control tests.
enum Fixtures {
    /// 2026-11-27T05:00:00Z
    static let morning = Date(timeIntervalSince1970: 1_795_755_600)

    static let alice = UserStatus(
        user: "alice", tier: "reduced", score: 640, since: morning,
        download: 20_000_000, upload: 5_000_000,
        override: nil, addresses: ["10.0.0.11", "2001:db8::11"], rule: "score 640 < 800 (full)")

    static let bob = UserStatus(
        user: "bob", tier: "full", score: 910.5, since: morning,
        download: nil, upload: nil,
        override: OverrideStatus(tier: "full", until: morning.addingTimeInterval(7200), reason: "ticket 42"),
        addresses: ["10.0.0.12/32"], rule: "override")

    static let degraded = HealthReport(
        status: .degraded, kernelInSync: false, users: 2, throttled: 1, lastApply: nil,
        errors: ["class 1:5 missing"], feed: .object(["socket": .object(["accepted": .integer(3)])]))

    static let plan = ReloadReport(
        moves: [TierMove(user: "alice", from: "full", to: "reduced", rule: "threshold", score: 640),
                TierMove(user: "dave", from: "", to: "full", rule: "added", score: nil)],
        kernel: KernelChanges(classesCreated: 2, classesChanged: 1, qdiscsCreated: 2, entriesSet: 4, entriesDeleted: 1,
                              operations: ["change class 7200:3 (parent 7200:) on eth1", "create class 7201:1 (parent 7201:) on eth1"],
                              operationsOmitted: 8))

    static let counters = CounterSample(
        takenAt: 100, dumpSeconds: 0.01, users: ["alice", "bob"], tiers: ["reduced", "full"],
        download: .init(bytes: [1_000, nil], packets: [10, nil], drops: [1, nil]),
        upload: .init(bytes: [500, nil], packets: [5, nil], drops: [0, nil]))
}
