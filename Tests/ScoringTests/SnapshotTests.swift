import Foundation
import Testing
@testable import Scoring

@Suite struct SnapshotTests {
    /// An engine with every kind of state: scores with decay pending, a dwell hold, an
    /// override with expiry, a stale user, an exempt user, a user with no score.
    func busyEngine() throws -> ScoringEngine {
        let policy = makePolicy(baseline: 300, halfLife: 600, hysteresis: 20, minDwell: 60, staleAfter: 900, exempt: ["vip"])
        var engine = ScoringEngine(policy: policy, users: ["a", "b", "c", "d", "vip", "idle"], now: t0)
        _ = engine.set("a", 900, at: t0)
        _ = engine.set("b", 700, at: t0)
        _ = engine.set("b", 950, at: t0 + 10)   // dwell-hold until t0 + 60
        _ = engine.set("c", 600, at: t0, ts: t0 - 2000) // stale at once
        _ = engine.set("d", 100, at: t0)
        _ = try engine.setOverride(user: "d", tier: "full", until: t0 + 300, reason: "ticket", now: t0 + 20)
        _ = engine.advance(to: t0 + 30)
        return engine
    }

    @Test func roundTripThroughJSONRestoresEverything() throws {
        let original = try busyEngine()
        let data = try JSONEncoder().encode(original.snapshot())
        let decoded = try JSONDecoder().decode(ScoringSnapshot.self, from: data)
        #expect(decoded == original.snapshot())
        var restored = ScoringEngine(policy: original.policy, users: ["a", "b", "c", "d", "vip", "idle"], snapshot: decoded, now: t0 + 30)
        var copy = original
        for user in ["a", "b", "c", "d", "vip", "idle"] {
            #expect(restored.status(of: user, now: t0 + 30) == original.status(of: user, now: t0 + 30), "\(user)")
            #expect(restored.explain(user, now: t0 + 30) == original.explain(user, now: t0 + 30), "\(user)")
        }
        // The future unfolds the same way: dwell end, override expiry, decay, staleness.
        let expected = copy.advance(to: t0 + 5000)
        #expect(expected.count >= 4)
        #expect(restored.advance(to: t0 + 5000) == expected)
    }

    @Test func restoreDropsUnknownUsersAndAppliesDowntimeChangesOnFirstAdvance() throws {
        let original = try busyEngine()
        let snapshot = original.snapshot()
        // Restart an hour later with "a" removed from the users file and "new" added.
        let later = t0 + 3600
        var restored = ScoringEngine(policy: original.policy, users: ["b", "c", "d", "vip", "idle", "new"], snapshot: snapshot, now: later)
        #expect(restored.tier(of: "a") == nil)
        #expect(restored.status(of: "new", now: later)?.rule == .noScore)
        #expect(restored.override(of: "d")?.reason == "ticket")
        let changes = restored.advance(to: later)
        #expect(!changes.isEmpty)
        #expect(changes.allSatisfy { $0.at >= snapshot.takenAt && $0.at <= later })
        #expect(restored.status(of: "d", now: later)?.override == nil)
        var copy = original
        _ = copy.advance(to: later)
        for user in ["b", "c", "d", "vip", "idle"] {
            #expect(restored.tier(of: user) == copy.tier(of: user), "\(user)")
        }
    }

    @Test func restoreSurvivesAVanishedTier() throws {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0)
        _ = try engine.setOverride(user: "a", tier: "reduced", until: nil, reason: nil, now: t0)
        let tiers = [exampleTiers[0], Tier(name: "slow", download: 1_000_000)]
        let restored = ScoringEngine(policy: makePolicy(tiers: tiers), users: ["a"], snapshot: engine.snapshot(), now: t0 + 1)
        #expect(restored.override(of: "a") == nil)
        #expect(restored.explain("a", now: t0 + 1)?.nextChange?.reason == .pending)
        var advanced = restored
        let changes = advanced.advance(to: t0 + 1)
        #expect(advanced.tier(of: "a")?.name == "slow")
        #expect(changes.count <= 1)
    }
}
