import Testing
@testable import Scoring

/// A change that no event caused still says why it happened: the reason of the due
/// instant that caused it, the same one `explain` announced as `next_change`.
struct TimeDrivenReasonTests {
    @Test func decayCrossingIsTheReason() throws {
        var engine = ScoringEngine(policy: makePolicy(halfLife: 2, hysteresis: 25), users: ["a"], now: t0)
        _ = engine.set("a", 0, at: t0)
        let announced = try #require(engine.explain("a", now: t0)?.nextChange)
        #expect(announced.reason == .decayCrossing)
        let changes = engine.advance(to: t0 + 3)
        #expect(changes.map(\.reason) == ["score decayed across a threshold"])
        #expect(changes.map(\.at) == [announced.at])
    }

    @Test func dwellEndIsTheReason() {
        var engine = ScoringEngine(policy: makePolicy(minDwell: 10), users: ["a"], now: t0)
        _ = engine.set("a", 300, at: t0)
        _ = engine.set("a", 900, at: t0 + 1)
        let changes = engine.advance(to: t0 + 11)
        #expect(changes.map(\.reason) == ["min_dwell ended"])
        #expect(changes.map(\.at) == [t0 + 10])
    }

    @Test func stalenessIsTheReason() {
        var engine = ScoringEngine(policy: makePolicy(staleAfter: 5), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0)
        let changes = engine.advance(to: t0 + 6)
        #expect(changes.map(\.reason) == ["no event for stale_after"])
        #expect(changes.map(\.rule) == [.stale])
    }

    @Test func overrideExpiryIsTheReason() throws {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        _ = engine.set("a", 300, at: t0)
        try engine.setOverride(user: "a", tier: "full", until: t0 + 2, reason: "ticket", now: t0)
        let changes = engine.advance(to: t0 + 2)
        #expect(changes.map(\.reason) == ["override expired"])
    }

    @Test func summariesGiveSpansNotEpochSeconds() throws {
        var engine = ScoringEngine(policy: makePolicy(minDwell: 60), users: ["a", "b"], now: t0)
        _ = engine.set("a", 600, at: t0)
        _ = engine.set("a", 100, at: t0 + 5)
        #expect(engine.explain("a", now: t0 + 5)?.summary == "a stays in reduced: score 100 warrants a change, held until min_dwell ends in 55s.")
        try engine.setOverride(user: "b", tier: "minimal", until: t0 + 90.25, reason: "ticket 7", now: t0)
        #expect(engine.explain("b", now: t0)?.summary == "b is in minimal by operator override for another 1m30s (ticket 7).")
    }

    @Test(arguments: [(0.25, "0.3s"), (59.94, "59.9s"), (59.96, "1m"), (90, "1m30s"), (7200, "2h"), (93_600, "1d2h")])
    func spans(_ seconds: Double, _ text: String) {
        #expect(ScoringEngine.seconds(seconds) == text)
    }

    /// The due reason lives in what was padding: a user still costs 48 bytes of record.
    @Test func theDueReasonFitsInTheRecordsPadding() {
        #expect(MemoryLayout<UserSlot>.stride == 48)
    }
}
