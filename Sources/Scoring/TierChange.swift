/// One tier change, as the daemon writes it to the audit log and hands it to the enforcer.
///
/// It carries the tier entries themselves (from the policy's `TierTable`, rates after the
/// floor), so whoever acts on it shapes the user from `to` without looking the tier up again.
public struct TierChange: Sendable, Equatable, Codable {
    public var user: String
    /// Previous tier; nil when the user was just added (`rule == .added`). After a config
    /// reload it is the entry of the previous configuration.
    public var from: Tier?
    /// New tier; nil when the user was removed (`rule == .removed`).
    public var to: Tier?
    /// When the change took effect (seconds since the Unix epoch). For changes caused by
    /// time alone this is the exact analytic instant, even if `advance` ran later.
    public var at: Double
    /// The decayed score at `at`; nil when the user has no score.
    public var score: Double?
    public var rule: TierRule
    /// The event's or override's reason, when there was one.
    public var reason: String?

    /// The previous tier's name, "" for an added user (how the audit log and the log write it).
    public var fromName: String { from?.name ?? "" }
    /// The new tier's name, "" for a removed user.
    public var toName: String { to?.name ?? "" }

    public init(user: String, from: Tier?, to: Tier?, at: Double, score: Double?, rule: TierRule, reason: String?) {
        self.user = user
        self.from = from
        self.to = to
        self.at = at
        self.score = score
        self.rule = rule
        self.reason = reason
    }
}
