import Testing
@testable import Scoring

@Suite struct EventTests {
    @Test func olderTimestampedEventsAreIgnoredAndCounted() {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        #expect(engine.set("a", 600, at: t0 + 10, ts: t0 + 5).change?.toName == "reduced")
        #expect(engine.set("a", 900, at: t0 + 11, ts: t0 + 4) == .ignoredOutOfOrder)
        #expect(engine.status(of: "a", now: t0 + 11)?.rawScore == 600)
        // Same timestamp is not older: applied.
        #expect(engine.set("a", 900, at: t0 + 12, ts: t0 + 5).change?.toName == "full")
    }

    @Test func unknownUsersAndBadValuesAreCountedNotApplied() {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        #expect(engine.set("ghost", 1, at: t0) == .unknownUser)
        #expect(engine.set("a", .nan, at: t0) == .rejected(reason: "non-finite score, delta or timestamp"))
        #expect(engine.status(of: "a", now: t0)?.rawScore == nil)
    }

    @Test func deltaAdjustsTheDecayedScoreAndStartsFromBaseline() {
        var engine = ScoringEngine(policy: makePolicy(baseline: 1000, halfLife: 100), users: ["a"], now: t0)
        let first = engine.apply(ScoreEvent(user: "a", change: .delta(-40), reason: "abuse-report"), now: t0)
        #expect(first == .applied(nil))
        #expect(engine.status(of: "a", now: t0)?.rawScore == 960)
        _ = engine.set("a", 600, at: t0)
        // After one half-life the deviation of -400 is -200: 800, then -350 -> 450.
        let change = engine.apply(ScoreEvent(user: "a", change: .delta(-350), reason: "r"), now: t0 + 100).change
        #expect(engine.status(of: "a", now: t0 + 100)?.rawScore == 450)
        #expect(change == TierChange(user: "a", from: tier("reduced"), to: tier("minimal"), at: t0 + 100, score: 450, rule: .threshold, reason: "r"))
    }

    @Test func untimestampedEventsAfterAFutureTimestampAreStillApplied() {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0, ts: t0 + 240)  // ahead, within max_future_skew
        #expect(engine.set("a", 900, at: t0 + 1) != .ignoredOutOfOrder)
        #expect(engine.tier(of: "a")?.name == "full")
    }
}
