import Foundation
import Scoring
import SystemPackage
import Testing
import TestSupport
@testable import TierDaemon

/// Overrides go through the state snapshot file intact (tier, expiry, reason, when set),
/// and one that expired while tierd was down ends at its own instant, with an audit line
/// in the documented format.
struct OverridePersistenceTests {
    let t0: Double = 1_795_000_000
    let policy = try! ScoringPolicy(
        baseline: 1000, halfLife: 0, hysteresis: 0, minDwell: 0, staleAfter: nil, defaultTier: "full", exempt: [],
        tiers: [
            Tier(name: "full", minScore: 800),
            Tier(name: "reduced", minScore: 500, download: 20_000_000, upload: 5_000_000),
            Tier(name: "minimal", download: 2_000_000, upload: 1_000_000),
        ])


    /// Writes `engine` the way the daemon does and reads it back into a new engine at `now`.
    func roundTrip(_ engine: ScoringEngine, through directory: String, now: Double) throws -> ScoringEngine {
        let store = try StateStore(directory: directory)
        try store.save(StateSnapshot(
            writtenAt: t0, scoring: engine.snapshot(), feedFilePath: nil, feedFilePosition: nil, journal: JournalMark()))
        let loaded = try #require(try store.load())
        return ScoringEngine(policy: policy, users: ["a", "b"], snapshot: loaded.scoring, now: now)
    }

    func engineWithOverrides() throws -> ScoringEngine {
        var engine = ScoringEngine(policy: policy, users: ["a", "b"], now: t0)
        for user in ["a", "b"] {
            _ = engine.apply(ScoreEvent(user: user, change: .set(300), timestamp: t0), now: t0)
        }
        try engine.setOverride(user: "a", tier: "full", until: t0 + 3600, reason: "ticket 9", now: t0 + 1)
        try engine.setOverride(user: "b", tier: "reduced", until: nil, reason: nil, now: t0 + 2)
        return engine
    }

    @Test func overridesRoundTripWithTheirExpiry() throws {
        let scratch = try TemporaryDirectory(prefix: "tierdt-override")
        defer { scratch.remove() }
        let directory = scratch.path
        let engine = try engineWithOverrides()
        let restored = try roundTrip(engine, through: directory, now: t0 + 60)

        #expect(restored.override(of: "a") == TierOverride(tier: "full", until: t0 + 3600, reason: "ticket 9", setAt: t0 + 1))
        #expect(restored.override(of: "b") == TierOverride(tier: "reduced", until: nil, reason: nil, setAt: t0 + 2))
        #expect(restored.tier(of: "a")?.name == "full" && restored.tier(of: "b")?.name == "reduced")
        let explained = try #require(restored.explain("a", now: t0 + 60))
        #expect(explained.rule == .override)
        #expect(explained.nextChange?.at == t0 + 3600)
        #expect(explained.nextChange?.reason == .overrideExpiry)
        #expect(restored.explain("b", now: t0 + 60)?.nextChange == nil, "a permanent override never expires")
        #expect(restored.nextDue == t0 + 3600)
    }

    @Test func anOverrideThatExpiredWhileDownEndsAtItsOwnInstant() throws {
        let scratch = try TemporaryDirectory(prefix: "tierdt-override")
        defer { scratch.remove() }
        let directory = scratch.path
        var restored = try roundTrip(try engineWithOverrides(), through: directory, now: t0 + 7200)
        let changes = restored.advance(to: t0 + 7200)
        let change = try #require(changes.first)
        #expect(changes.count == 1)
        #expect(change == TierChange(
            user: "a", from: Tier(name: "full", minScore: 800), to: Tier(name: "minimal", download: 2_000_000, upload: 1_000_000), at: t0 + 3600, score: 300, rule: .threshold, reason: "override expired"))
        #expect(restored.override(of: "a") == nil)

        let audit = AuditLog(directory: try StateDirectory(configured: FilePath(directory)))
        try audit.record(changes)
        let line = try String(contentsOfFile: directory + "/audit.jsonl", encoding: .utf8)
        #expect(line == #"""
            {"from":"full","reason":"override expired","rule":"threshold","score":300,"time":"2026-11-18T12:06:40.000Z","to":"minimal","user":"a"}

            """#)
    }
}
