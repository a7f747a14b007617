/// Running totals of event outcomes, exported as metrics by the daemon.
public struct ScoringCounters: Sendable, Equatable, Codable {
    public var applied: UInt64 = 0
    public var ignoredOutOfOrder: UInt64 = 0
    public var unknownUser: UInt64 = 0
    public var rejected: UInt64 = 0
    /// Tier changes produced by any cause (events, time, overrides, reloads).
    public var tierChanges: UInt64 = 0

    public init() {}
}
