/// The outcome of applying the rules to one user at one instant.
struct TierDecision: Sendable, Equatable {
    var tier: Int
    var rule: TierRule
    var basis: TierBasis
}
