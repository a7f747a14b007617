/// Why a user is where they are: everything `tierctl explain` prints. JSON-friendly
/// (instants are seconds since the Unix epoch; absent values are nil).
public struct Explanation: Sendable, Equatable, Codable {
    /// One tier (its threshold and rates) with the score that leads up into it.
    public struct Threshold: Sendable, Equatable, Codable {
        public var tier: Tier
        /// The score needed to move *up* into this tier (min_score + hysteresis); nil for the catch-all.
        public var upThreshold: Double?
        public var isCurrent: Bool
    }

    /// The next change caused by time alone.
    public struct NextChange: Sendable, Equatable, Codable {
        public var at: Double
        public var reason: DueReason
    }

    public var user: String
    public var at: Double
    public var tier: Tier
    /// The rule that decided the current tier.
    public var rule: TierRule
    public var rawScore: Double?
    public var scoreAt: Double?
    /// The decayed score at `at`.
    public var score: Double?
    public var baseline: Double
    public var halfLife: Double
    public var hysteresis: Double
    public var minDwell: Double
    public var staleAfter: Double?
    public var since: Double
    /// When `min_dwell` after the last change ends (nil if already over).
    public var dwellUntil: Double?
    /// When the user goes stale without a new event (nil without a score or staleness).
    public var staleAt: Double?
    public var exempt: Bool
    public var override: TierOverride?
    /// Best first.
    public var thresholds: [Threshold]
    public var nextChange: NextChange?
    /// One human sentence summarising the above.
    public var summary: String
}
