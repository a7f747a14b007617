/// A break of the rules a list of tiers must follow as a whole: names are unique, exactly
/// one tier (the catch-all, the lowest) omits `minScore`, and no two tiers share one.
///
/// WHY indices: the rules live here once, for `ScoringPolicy` (which refuses the first
/// violation) and for config loading, which reports every violation at the line of the
/// tier at fault: it knows where `tiers[index]` is written, this pure check does not.
public enum TierListViolation: Sendable, Equatable {
    /// `tiers[index]` has the name of the earlier `tiers[first]`.
    case duplicateName(index: Int, first: Int)
    /// No tier omits `minScore`, so some scores would have no tier.
    case missingCatchAll
    /// `tiers[index]` omits `minScore`, but the earlier `tiers[first]` is the catch-all already.
    case extraCatchAll(index: Int, first: Int)
    /// `tiers[index]` has the `minScore` of the earlier `tiers[first]`: their ranges overlap.
    case sameMinScore(index: Int, first: Int)

    /// Every violation in `tiers` (in any order): duplicate names first, then the
    /// catch-all, then thresholds.
    public static func find(in tiers: [Tier]) -> [TierListViolation] {
        var violations: [TierListViolation] = []
        var firstByName: [String: Int] = [:]
        for (index, tier) in tiers.enumerated() {
            if let first = firstByName[tier.name] {
                violations.append(.duplicateName(index: index, first: first))
            } else {
                firstByName[tier.name] = index
            }
        }
        let catchAlls = tiers.indices.filter { tiers[$0].minScore == nil }
        if let first = catchAlls.first {
            violations += catchAlls.dropFirst().map { .extraCatchAll(index: $0, first: first) }
        } else {
            violations.append(.missingCatchAll)
        }
        var firstByScore: [Double: Int] = [:]
        for (index, tier) in tiers.enumerated() {
            guard let minScore = tier.minScore else { continue }
            if let first = firstByScore[minScore] {
                violations.append(.sameMinScore(index: index, first: first))
            } else {
                firstByScore[minScore] = index
            }
        }
        return violations
    }

    /// How `ScoringPolicy` reports this violation of `tiers`.
    func policyError(in tiers: [Tier]) -> ScoringPolicyError {
        switch self {
        case .duplicateName(let index, _): .duplicateTierName(tiers[index].name)
        case .missingCatchAll: .missingCatchAll
        case .extraCatchAll: .multipleCatchAll(tiers.filter { $0.minScore == nil }.map(\.name))
        case .sameMinScore(let index, let first): .overlappingThresholds(tiers[first].name, tiers[index].name)
        }
    }
}
