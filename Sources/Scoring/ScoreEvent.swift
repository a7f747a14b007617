/// How an event changes a user's score.
public enum ScoreChange: Sendable, Equatable { case set(Double), delta(Double) }

/// One feed event for one user.
public struct ScoreEvent: Sendable, Equatable {
    public var user: String; public var change: ScoreChange; public var timestamp: Double?; public var reason: String?
    public init(user: String, change: ScoreChange, timestamp: Double? = nil, reason: String? = nil) {
        self.user = user; self.change = change; self.timestamp = timestamp; self.reason = reason
    }
}
