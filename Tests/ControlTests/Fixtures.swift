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
}
