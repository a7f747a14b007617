import Control
import FeedParsing

/// The server's side of the feed socket's reply (`FeedPushReply`, shared with tierctl in
/// Control): built from the parser's typed rejections, written in contract key order.
extension FeedPushReply {
    public init(accepted: Int, rejected: Int, rejections: [FeedLineRejection]) {
        self.init(accepted: accepted, rejected: rejected,
                  errors: rejections.map { LineError(line: $0.line, reason: $0.reason.rawValue) })
    }

    /// The reply as sent on the wire: one JSON object and a newline, keys in contract order.
    public var jsonLine: String {
        FeedSocketWire.line(self)
    }
}
