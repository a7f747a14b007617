import FeedParsing
/// A refusal by the feed socket: `{"error":"code","message":"..."}` instead of a reply.
public struct FeedSocketRefusal: Error, Sendable, Codable, Equatable {
    // Declaration order is the wire order (see FeedSocketWire).
    /// `too_many_connections`, `idle_timeout` or `apply_failed`.
    public var error: String
    public var message: String

    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }

    static let tooManyConnections = FeedSocketRefusal(error: "too_many_connections", message: "the feed socket is at its connection limit; retry later")
    static let idleTimeout = FeedSocketRefusal(error: "idle_timeout", message: "no data for too long; nothing from this connection was applied since its last batch")

    static func applyFailed(_ error: any Error) -> FeedSocketRefusal {
        FeedSocketRefusal(error: "apply_failed", message: "the daemon could not apply the events: \(error)")
    }

    /// The refusal as sent on the wire.
    public var jsonLine: String {
        FeedSocketWire.line(self)
    }
}
