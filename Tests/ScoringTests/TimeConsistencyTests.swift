import PropertyBased
import Testing
@testable import Scoring

@Suite struct TimeConsistencyTests {
    /// Changes caused by time alone do not depend on how often the daemon wakes: one
    /// `advance` over a long gap yields exactly the changes (same instants) of many small
    /// steps, and after each step the tier equals what the rules say at that instant.
    @Test func advanceGranularityDoesNotMatter() async {
        await propertyCheck(
            count: 100,
            input: Gen.double(in: 0...1500).array(of: 1...6), Gen.double(in: 0...3000),
            Gen.double(in: 0...200), Gen.double(in: 0...50), Gen.int(in: 0...2)
        ) { scores, baseline, halfLife, hysteresis, overrideTier in
            let policy = makePolicy(baseline: baseline, halfLife: halfLife, hysteresis: hysteresis, minDwell: 45, staleAfter: 700)
            var coarse = ScoringEngine(policy: policy, users: ["a", "b"], now: t0)
            for (offset, score) in scores.enumerated() {
                _ = coarse.set(offset % 2 == 0 ? "a" : "b", score, at: t0 + Double(offset) * 5)
            }
            _ = try? coarse.setOverride(user: "b", tier: policy.tiers[overrideTier].name, until: t0 + 333, reason: nil, now: t0 + 40)
            var fine = coarse
            let expected = coarse.advance(to: t0 + 2000)
            var stepped: [TierChange] = []
            var now = t0 + 40
            while now < t0 + 2000 {
                now += 7.25
                stepped += fine.advance(to: min(now, t0 + 2000))
                for user in ["a", "b"] {
                    // The stored tier is what the rules decide right now.
                    #expect(fine.explain(user, now: min(now, t0 + 2000))?.nextChange.map { $0.at > min(now, t0 + 2000) } ?? true)
                }
            }
            #expect(stepped == expected)
            for user in ["a", "b"] { #expect(fine.status(of: user, now: t0 + 2000) == coarse.status(of: user, now: t0 + 2000)) }
        }
    }
}
