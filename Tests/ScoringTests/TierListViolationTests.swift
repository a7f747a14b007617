import Testing
@testable import Scoring

/// The tier-list rules report every violation, by position, so config loading can point
/// each one at its own `[[tier]]`.
@Suite struct TierListViolationTests {
    @Test func aValidListHasNone() {
        #expect(TierListViolation.find(in: exampleTiers) == [])
    }

    @Test func everyViolationIsFoundAgainstTheFirstTierItRepeats() {
        let tiers = [
            Tier(name: "a", minScore: 500),
            Tier(name: "b"),
            Tier(name: "a", minScore: 500),
            Tier(name: "c"),
            Tier(name: "a", minScore: 800),
            Tier(name: "d", minScore: 500),
        ]
        #expect(TierListViolation.find(in: tiers) == [
            .duplicateName(index: 2, first: 0), .duplicateName(index: 4, first: 0),
            .extraCatchAll(index: 3, first: 1),
            .sameMinScore(index: 2, first: 0), .sameMinScore(index: 5, first: 0),
        ])
    }

    @Test func noCatchAllIsOneViolation() {
        let tiers = [Tier(name: "a", minScore: 1), Tier(name: "b", minScore: 2)]
        #expect(TierListViolation.find(in: tiers) == [.missingCatchAll])
    }
}
