/// How an event changes a score: `set` replaces it, `delta` adjusts the decayed current value.
public enum ScoreChange: Sendable, Equatable {
    case set(Double)
    case delta(Double)
}

/// One feed event for one user.
public struct ScoreEvent: Sendable, Equatable {
    public var user: String
    public var change: ScoreChange
    /// Wall-clock seconds since the Unix epoch; nil means "now" at apply time.
    /// Timestamped events older than the last applied one are ignored, which makes
    /// replaying a feed idempotent.
    public var timestamp: Double?
    public var reason: String?

    public init(user: String, change: ScoreChange, timestamp: Double? = nil, reason: String? = nil) {
        self.user = user
        self.change = change
        self.timestamp = timestamp
        self.reason = reason
    }
}
