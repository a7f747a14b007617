import Testing
@testable import Scoring

@Suite struct ThresholdMappingTests {
    @Test func scoreMapsToHighestMinScoreNotAboveIt() {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        let expected: [(Double, String)] = [
            (1200, "full"), (800, "full"), (799.99, "reduced"), (500, "reduced"),
            (499.5, "minimal"), (-1e9, "minimal"), (650, "reduced"),
        ]
        for (offset, (score, tier)) in expected.enumerated() {
            _ = engine.set("a", score, at: t0 + Double(offset))
            #expect(engine.tier(of: "a") == tier, "score \(score)")
        }
    }

    @Test func catchAllIsLowestRegardlessOfDeclarationOrder() throws {
        let shuffled = [exampleTiers[2], exampleTiers[0], exampleTiers[1]]
        let policy = makePolicy(tiers: shuffled)
        #expect(policy.tiers.map(\.name) == ["full", "reduced", "minimal"])
        var engine = ScoringEngine(policy: policy, users: ["a"], now: t0)
        _ = engine.set("a", 10, at: t0)
        #expect(engine.tier(of: "a") == "minimal")
        #expect(engine.tierDefinition(of: "a")?.download == 2_000_000)
    }

    @Test func usersWithoutScoreGetDefaultTier() {
        let engine = ScoringEngine(policy: makePolicy(defaultTier: "reduced"), users: ["a", "b"], now: t0)
        #expect(engine.tier(of: "a") == "reduced")
        #expect(engine.status(of: "b", now: t0)?.rule == .noScore)
        #expect(engine.status(of: "b", now: t0)?.score == nil)
        #expect(engine.tier(of: "nobody") == nil)
    }

    @Test func exemptUsersGetTheBestTierWhateverTheScore() {
        var engine = ScoringEngine(policy: makePolicy(defaultTier: "minimal", exempt: ["vip"]), users: ["vip"], now: t0)
        #expect(engine.tier(of: "vip") == "full")
        _ = engine.set("vip", 0, at: t0)
        #expect(engine.tier(of: "vip") == "full")
        #expect(engine.status(of: "vip", now: t0)?.rule == .exempt)
    }

    @Test func unthrottledMeansNoRates() {
        #expect(exampleTiers[0].isUnthrottled)
        #expect(!exampleTiers[1].isUnthrottled)
    }

    @Test func invalidPoliciesAreRejected() {
        func build(_ tiers: [TierDefinition], defaultTier: String = "full", halfLife: Double = 0) -> ScoringPolicyError? {
            do {
                _ = try ScoringPolicy(
                    baseline: 1000, halfLife: halfLife, hysteresis: 0, minDwell: 0, staleAfter: nil,
                    defaultTier: defaultTier, exempt: [], tiers: tiers)
                return nil
            } catch { return error }
        }
        #expect(build([]) == .noTiers)
        #expect(build([exampleTiers[0], exampleTiers[1]]) == .missingCatchAll)
        #expect(build(exampleTiers + [TierDefinition(name: "other")]) == .multipleCatchAll(["minimal", "other"]))
        #expect(build(exampleTiers + [TierDefinition(name: "full")]) == .duplicateTierName("full"))
        #expect(build(exampleTiers + [TierDefinition(name: "x", minScore: 500)]) == .overlappingThresholds("reduced", "x"))
        #expect(build(exampleTiers, defaultTier: "gold") == .unknownDefaultTier("gold"))
        #expect(build(exampleTiers, halfLife: -1) == .invalidValue(field: "half_life", value: -1))
        #expect(build(exampleTiers) == nil)
    }
}
