import FeedParsing

/// The feed socket's answer to one connection, sent after the connection's accepted
/// events were handed to the daemon (made durable and applied):
/// `{"accepted":N,"rejected":M,"errors":[{"line":K,"reason":"..."}]}`.
public struct FeedPushReply: Sendable, Codable, Equatable {
    /// Lines accepted as events.
    public var accepted: Int
    /// Lines rejected, all of them.
    public var rejected: Int
    /// The first rejected lines, with their reasons (capped by `FeedSocketLimits.maxReportedErrors`).
    public var errors: [FeedLineRejection]

    public init(accepted: Int, rejected: Int, errors: [FeedLineRejection]) {
        self.accepted = accepted
        self.rejected = rejected
        self.errors = errors
    }

    /// The reply as sent on the wire: one JSON object and a newline, keys in contract order.
    public var jsonLine: String {
        FeedSocketWire.line(self)
    }
}
