import Testing
@testable import Scoring

/// One event stamped far in the future used to freeze its user: every later, correctly
/// stamped event was "out of order" and staleness was due at that future date. Such an
/// event is now refused, by the engine, at the `now` it is given (no clock, no sleeping).
@Suite struct FutureTimestampTests {
    /// 2099-01-01T00:00:00Z, the example.
    let year2099 = 4_070_908_800.0

    @Test func aFarFutureEventIsRefusedAndLaterEventsStillApply() {
        var engine = ScoringEngine(policy: makePolicy(staleAfter: 900), users: ["alice"], now: t0)
        #expect(engine.set("alice", 100, at: t0, ts: year2099) == .futureTimestamp)
        #expect(engine.status(of: "alice", now: t0)?.rawScore == nil, "nothing changed")
        #expect(engine.set("alice", 600, at: t0 + 10, ts: t0 + 9).change?.toName == "reduced")
        #expect(engine.set("alice", 400, at: t0 + 20, ts: t0 + 19).change?.toName == "minimal")
        // Staleness comes 15 minutes after the last real event, not in 2099.
        _ = engine.advance(to: t0 + 19 + 899)
        #expect(engine.tier(of: "alice")?.name == "minimal")
        _ = engine.advance(to: t0 + 19 + 901)
        #expect(engine.status(of: "alice", now: t0 + 19 + 901)?.rule == .stale)
        #expect(engine.tier(of: "alice")?.name == "full")
    }

    @Test func theSkewIsInclusiveAndConfigurable() throws {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        #expect(engine.set("a", 600, at: t0, ts: t0 + ScoringPolicy.defaultMaxFutureSkew) != .futureTimestamp)
        #expect(engine.set("a", 600, at: t0, ts: t0 + ScoringPolicy.defaultMaxFutureSkew + 0.001) == .futureTimestamp)

        let strict = try ScoringPolicy(
            baseline: 1000, halfLife: 0, hysteresis: 0, minDwell: 0, staleAfter: nil, defaultTier: "full",
            exempt: [], tiers: exampleTiers, maxFutureSkew: 0)
        var exact = ScoringEngine(policy: strict, users: ["a"], now: t0)
        #expect(exact.set("a", 600, at: t0, ts: t0) != .futureTimestamp)
        #expect(exact.set("a", 600, at: t0, ts: t0 + 1) == .futureTimestamp)
        // What is too far ahead now is fine once the clock has caught up.
        #expect(exact.set("a", 600, at: t0 + 1, ts: t0 + 1) != .futureTimestamp)
    }

    @Test func pastEventsKeepTheOutOfOrderRuleAndUntimedOnesAreNeverRefused() {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        #expect(engine.set("a", 600, at: t0 + 100, ts: t0 + 50) != .futureTimestamp)
        #expect(engine.set("a", 900, at: t0 + 100, ts: t0 + 40) == .ignoredOutOfOrder)
        #expect(engine.set("a", 900, at: t0 + 100) != .futureTimestamp)
        #expect(engine.set("a", 900, at: t0 + 100, ts: 0) == .ignoredOutOfOrder)
    }

    /// State written before the check existed may hold a user frozen in 2099: restoring it
    /// takes that score as set now, so the next correctly stamped event applies.
    @Test func aSnapshotFrozenInTheFutureIsThawedOnRestore() {
        var old = ScoringEngine(policy: makePolicy(), users: ["alice", "bob"], now: t0)
        _ = old.set("alice", 600, at: t0, ts: t0)
        _ = old.set("bob", 600, at: t0, ts: t0 + 100)
        var snapshot = old.snapshot()
        snapshot.users = snapshot.users.map { user in
            var user = user
            if user.id == "alice" { user.scoreAt = year2099 }
            return user
        }
        var restored = ScoringEngine(policy: makePolicy(), users: ["alice", "bob"], snapshot: snapshot, now: t0 + 10)
        #expect(restored.status(of: "alice", now: t0 + 10)?.scoreAt == t0 + 10)
        #expect(restored.status(of: "alice", now: t0 + 10)?.rawScore == 600)
        #expect(restored.status(of: "bob", now: t0 + 10)?.scoreAt == t0 + 100, "within the skew: kept")
        #expect(restored.set("alice", 900, at: t0 + 20, ts: t0 + 19).change?.toName == "full")
    }

    @Test func aNegativeOrNonFiniteSkewIsNotAPolicy() {
        for skew in [-1.0, .infinity, .nan] {
            #expect(throws: ScoringPolicyError.self) {
                _ = try ScoringPolicy(
                    baseline: 1000, halfLife: 0, hysteresis: 0, minDwell: 0, staleAfter: nil, defaultTier: "full",
                    exempt: [], tiers: exampleTiers, maxFutureSkew: skew)
            }
        }
    }

    @Test func thePolicyRuleIsTheEnginesRule() {
        let policy = makePolicy()
        #expect(policy.acceptsTimestamp(nil, now: t0))
        #expect(policy.acceptsTimestamp(t0 + 300, now: t0))
        #expect(!policy.acceptsTimestamp(t0 + 301, now: t0))
    }
}
