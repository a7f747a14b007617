/// One tier change, as the daemon writes it to the audit log and hands it to the enforcer.
public struct TierChange: Sendable, Equatable, Codable {
    public var user: String
    /// Previous tier name; empty when the user was just added (`rule == .added`).
    public var from: String
    /// New tier name; empty when the user was removed (`rule == .removed`).
    public var to: String
    /// When the change took effect (seconds since the Unix epoch). For changes caused by
    /// time alone this is the exact analytic instant, even if `advance` ran later.
    public var at: Double
    /// The decayed score at `at`; nil when the user has no score.
    public var score: Double?
    public var rule: TierRule
    /// The event's or override's reason, when there was one.
    public var reason: String?

    public init(user: String, from: String, to: String, at: Double, score: Double?, rule: TierRule, reason: String?) {
        self.user = user
        self.from = from
        self.to = to
        self.at = at
        self.score = score
        self.rule = rule
        self.reason = reason
    }
}
