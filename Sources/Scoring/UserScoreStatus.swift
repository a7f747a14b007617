/// A user's current placement, as `tierctl status` shows it.
public struct UserScoreStatus: Sendable, Equatable, Codable {
    public var user: String
    public var tier: Tier
    /// Decayed score at the query instant; nil when the user never had a score.
    public var score: Double?
    /// The score as last set or adjusted, before decay.
    public var rawScore: Double?
    /// When the raw score was set (the last applied event's time).
    public var scoreAt: Double?
    /// When the user entered the current tier.
    public var since: Double
    public var rule: TierRule
    public var override: TierOverride?
    public var exempt: Bool
    public var stale: Bool
}
