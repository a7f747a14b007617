import Control
import FeedParsing

/// A refusal by the feed socket. On the wire it is a whole reply with the reason added,
/// `{"accepted":K,"rejected":M,"errors":[...],"error":"code","message":"..."}`, so a
/// producer that reads only the counts still reads a well-formed line: `accepted` counts
/// the events made durable before the refusal, `rejected` everything else it sent.
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
        FeedSocketRefusal(error: "apply_failed", message: "the events were not applied: \(error)")
    }

    /// The refusal as sent on the wire when nothing was read (connection limit).
    public var jsonLine: String {
        FeedSocketWire.line(self, after: FeedPushReply(accepted: 0, rejected: 0, errors: []))
    }

    /// The refusal as sent on the wire, with the counts of what the connection sent.
    public func jsonLine(after counts: FeedPushReply) -> String {
        FeedSocketWire.line(self, after: counts)
    }
}
