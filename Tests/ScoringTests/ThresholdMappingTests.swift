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
            #expect(engine.tier(of: "a")?.name == tier, "score \(score)")
        }
    }

    @Test func catchAllIsLowestRegardlessOfDeclarationOrder() throws {
        let shuffled = [exampleTiers[2], exampleTiers[0], exampleTiers[1]]
        let policy = makePolicy(tiers: shuffled)
        #expect(policy.tiers.map(\.name) == ["full", "reduced", "minimal"])
        var engine = ScoringEngine(policy: policy, users: ["a"], now: t0)
        _ = engine.set("a", 10, at: t0)
        #expect(engine.tier(of: "a")?.name == "minimal")
        #expect(engine.tier(of: "a")?.download == 2_000_000)
    }

    @Test func usersWithoutScoreGetDefaultTier() {
        let engine = ScoringEngine(policy: makePolicy(defaultTier: "reduced"), users: ["a", "b"], now: t0)
        #expect(engine.tier(of: "a")?.name == "reduced")
        #expect(engine.status(of: "b", now: t0)?.rule == .noScore)
        #expect(engine.status(of: "b", now: t0)?.score == nil)
        #expect(engine.tier(of: "nobody") == nil)
    }

    @Test func exemptUsersGetTheBestTierWhateverTheScore() {
        var engine = ScoringEngine(policy: makePolicy(defaultTier: "minimal", exempt: ["vip"]), users: ["vip"], now: t0)
        #expect(engine.tier(of: "vip")?.name == "full")
        _ = engine.set("vip", 0, at: t0)
        #expect(engine.tier(of: "vip")?.name == "full")
        #expect(engine.status(of: "vip", now: t0)?.rule == .exempt)
    }

    @Test func unthrottledMeansNoRates() {
        #expect(!exampleTiers[0].throttles)
        #expect(exampleTiers[1].throttles)
    }

    /// The table raises rates below the floor once, so every holder of an entry (the
    /// engine's answers, its changes, explain) sees the rate that is shaped.
    @Test func theTableRaisesRatesToTheFloor() throws {
        let policy = try ScoringPolicy(
            baseline: 1000, halfLife: 0, hysteresis: 0, minDwell: 0, staleAfter: nil,
            defaultTier: "full", exempt: [], tiers: exampleTiers, floor: 3_000_000)
        #expect(policy.tiers.map(\.download) == [nil, 20_000_000, 3_000_000])
        #expect(policy.tiers.map(\.upload) == [nil, 5_000_000, 3_000_000])
        #expect(policy.tiers.map(\.minScore) == [800, 500, nil])
        var engine = ScoringEngine(policy: policy, users: ["a"], now: t0)
        let change = engine.set("a", 10, at: t0).change
        #expect(change?.to == policy.tiers[named: "minimal"])
        #expect(change?.to?.upload == 3_000_000)
        #expect(engine.tier(of: "a")?.download == 3_000_000)
        #expect(engine.explain("a", now: t0)?.thresholds.last?.tier.upload == 3_000_000)
    }

    @Test func invalidPoliciesAreRejected() {
        func build(_ tiers: [Tier], defaultTier: String = "full", halfLife: Double = 0) -> ScoringPolicyError? {
            do {
                _ = try ScoringPolicy(
                    baseline: 1000, halfLife: halfLife, hysteresis: 0, minDwell: 0, staleAfter: nil,
                    defaultTier: defaultTier, exempt: [], tiers: tiers)
                return nil
            } catch { return error }
        }
        #expect(build([]) == .noTiers)
        #expect(build([exampleTiers[0], exampleTiers[1]]) == .missingCatchAll)
        #expect(build(exampleTiers + [Tier(name: "other")]) == .multipleCatchAll(["minimal", "other"]))
        #expect(build(exampleTiers + [Tier(name: "full")]) == .duplicateTierName("full"))
        #expect(build(exampleTiers + [Tier(name: "x", minScore: 500)]) == .overlappingThresholds("reduced", "x"))
        #expect(build(exampleTiers, defaultTier: "gold") == .unknownDefaultTier("gold"))
        #expect(build(exampleTiers, halfLife: -1) == .invalidValue(field: "half_life", value: -1))
        #expect(build(exampleTiers) == nil)
    }
}
