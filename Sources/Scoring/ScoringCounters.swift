/// Running totals of event outcomes, exported as metrics by the daemon.
public struct ScoringCounters: Sendable, Equatable, Codable {
    public var applied: UInt64 = 0
    public var ignoredOutOfOrder: UInt64 = 0
    public var unknownUser: UInt64 = 0
    public var rejected: UInt64 = 0
    /// Tier changes produced by any cause (events, time, overrides, reloads).
    public var tierChanges: UInt64 = 0
    /// Users re-evaluated (per event, due instant, override or reload): shows that time
    /// handling does work per due user, not per tracked user.
    public var evaluations: UInt64 = 0

    public init() {}
}
