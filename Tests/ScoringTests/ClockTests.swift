import Foundation
import Testing
@testable import Scoring

/// Deterministic clock: every change caused by time alone happens exactly at its due
/// instant — nothing just before it, and the change is stamped no later than 1 s after.
@Suite struct ClockTests {
    let epsilon = 0.001

    /// Asserts that the engine schedules the change at the expected instant (the analytic
    /// value, refined by at most a few ulps so the crossing is really seen), that nothing
    /// changes at `due - epsilon`, and that exactly one change happens at `due`; returns it.
    func expectChange(_ engine: inout ScoringEngine, at expected: Double, sourceLocation: SourceLocation = #_sourceLocation) -> TierChange? {
        let due = engine.nextDue ?? .infinity
        #expect(due >= expected - 1e-6 && due <= expected + 1e-3, "nextDue \(due) vs \(expected)", sourceLocation: sourceLocation)
        #expect(engine.advance(to: due - epsilon).isEmpty, sourceLocation: sourceLocation)
        let changes = engine.advance(to: due)
        #expect(changes.count == 1, sourceLocation: sourceLocation)
        if let change = changes.first {
            #expect(change.at >= expected - 1e-6 && change.at <= expected + 1, sourceLocation: sourceLocation)
        }
        return changes.first
    }

    @Test func dwellHoldsAWarrantedChangeUntilItEnds() {
        var engine = ScoringEngine(policy: makePolicy(minDwell: 60), users: ["a"], now: t0)
        #expect(engine.set("a", 700, at: t0).change?.toName == "reduced")
        #expect(engine.set("a", 900, at: t0 + 10) == .applied(nil))
        #expect(engine.status(of: "a", now: t0 + 10)?.rule == .dwellHold)
        let change = expectChange(&engine, at: t0 + 60)
        #expect(change?.fromName == "reduced")
        #expect(change?.toName == "full")
        #expect(change?.rule == .threshold)
    }

    @Test func dwellEndDoesNothingWhenTheChangeIsNoLongerWarranted() {
        var engine = ScoringEngine(policy: makePolicy(minDwell: 60), users: ["a"], now: t0)
        _ = engine.set("a", 700, at: t0)
        _ = engine.set("a", 900, at: t0 + 10)
        _ = engine.set("a", 650, at: t0 + 20)
        #expect(engine.advance(to: t0 + 120).isEmpty)
        #expect(engine.tier(of: "a")?.name == "reduced")
    }

    @Test func staleUsersFallBackToTheDefaultTier() {
        var engine = ScoringEngine(policy: makePolicy(staleAfter: 900), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0)
        let change = expectChange(&engine, at: t0 + 900)
        #expect(change?.toName == "full")
        #expect(change?.rule == .stale)
        #expect(engine.status(of: "a", now: t0 + 900)?.stale == true)
        // A new event places the user again at once, without hysteresis or dwell.
        #expect(engine.set("a", 600, at: t0 + 901).change?.toName == "reduced")
    }

    @Test func decayCrossingDownwardHappensAtTheAnalyticInstant() {
        // Baseline 300: a score of 900 decays toward it and drops below 800 when
        // 600 * 2^(-x/H) = 500.
        let halfLife = 3600.0
        var engine = ScoringEngine(policy: makePolicy(baseline: 300, halfLife: halfLife), users: ["a"], now: t0)
        _ = engine.set("a", 900, at: t0)
        #expect(engine.tier(of: "a")?.name == "full")
        let due = t0 + halfLife * log2(600.0 / 500.0)
        let change = expectChange(&engine, at: due)
        #expect(change?.toName == "reduced")
        #expect(change?.rule == .threshold)
        #expect(change.flatMap(\.score).map { abs($0 - 800) < 1e-6 } == true)
    }

    @Test func decayCrossingUpwardNeedsTheHysteresisMargin() {
        // Baseline 1000: 400 rises; moving up into "reduced" needs 500 + 25 = 525,
        // reached when 600 * 2^(-x/H) = 475.
        let halfLife = 3600.0
        var engine = ScoringEngine(policy: makePolicy(halfLife: halfLife, hysteresis: 25), users: ["a"], now: t0)
        _ = engine.set("a", 400, at: t0)
        #expect(engine.tier(of: "a")?.name == "minimal")
        let due = t0 + halfLife * log2(600.0 / 475.0)
        let change = expectChange(&engine, at: due)
        #expect(change?.toName == "reduced")
        // Then on to "full" once past 825: 600 * 2^(-x/H) = 175.
        let next = t0 + halfLife * log2(600.0 / 175.0)
        #expect(expectChange(&engine, at: next)?.toName == "full")
        #expect(engine.nextDue == nil)
    }

    @Test func decayCrossingDuringDwellHappensWhenDwellEnds() {
        var engine = ScoringEngine(policy: makePolicy(baseline: 700, halfLife: 10, minDwell: 600), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0)   // reduced, since t0 (from the default "full")
        _ = engine.set("a", 900, at: t0 + 1) // warrants full, held by dwell
        // Decay brings it back below 800 well before the dwell ends: nothing happens.
        #expect(engine.advance(to: t0 + 700).isEmpty)
        #expect(engine.tier(of: "a")?.name == "reduced")
    }

    @Test func overrideExpiresAtItsInstant() throws {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0)
        let set = try engine.setOverride(user: "a", tier: "full", until: t0 + 100, reason: "ticket 7", now: t0 + 1)
        #expect(set == TierChange(user: "a", from: tier("reduced"), to: tier("full"), at: t0 + 1, score: 600, rule: .override, reason: "ticket 7"))
        let change = expectChange(&engine, at: t0 + 100)
        #expect(change?.toName == "reduced")
        #expect(change?.reason == "override expired")
        #expect(engine.override(of: "a") == nil)
    }

    @Test func lateAdvanceStampsChangesWithTheirOwnInstants() {
        var engine = ScoringEngine(policy: makePolicy(staleAfter: 100), users: ["a", "b"], now: t0)
        _ = engine.set("a", 600, at: t0)
        _ = engine.set("b", 400, at: t0 + 50)
        let changes = engine.advance(to: t0 + 10_000)
        #expect(changes.map(\.user) == ["a", "b"])
        #expect(changes.map(\.at) == [t0 + 100, t0 + 150])
    }
}

@Suite struct DueQueueTests {
    /// `advance` pops only due users: with 10,000 scored users and one of them due, it
    /// evaluates exactly one user, and `nextDue` then points at the next real instant.
    @Test func advanceTouchesOnlyDueUsers() {
        let ids = (0..<10_000).map { "user\($0)" }
        var engine = ScoringEngine(policy: makePolicy(staleAfter: 900), users: ids, now: t0)
        for id in ids where id != "user42" { _ = engine.set(id, 600, at: t0 + 100) }
        _ = engine.set("user42", 650, at: t0 + 100, ts: t0)
        #expect(engine.nextDue == t0 + 900)
        let before = engine.evaluations
        let changes = engine.advance(to: t0 + 900)
        #expect(changes.map(\.user) == ["user42"])
        #expect(engine.evaluations == before + 1)
        #expect(engine.nextDue == t0 + 1000)
        #expect(engine.advance(to: t0 + 999).isEmpty)
        #expect(engine.evaluations == before + 1)
        #expect(engine.advance(to: t0 + 1000).count == ids.count - 1)
        #expect(engine.nextDue == nil)
    }
}
