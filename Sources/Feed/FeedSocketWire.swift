import Control
import FeedParsing

/// The bytes the feed socket sends. Written by hand rather than with `JSONEncoder`,
/// which does not keep keys in declaration order on Linux: the contract documents the
/// reply as `{"accepted":N,"rejected":M,"errors":[...]}` and scripts may match on it.
enum FeedSocketWire {
    static func line(_ reply: FeedPushReply) -> String {
        let errors = reply.errors.map { #"{"line":\#($0.line),"reason":"\#(FeedLineEncoder.escaped($0.reason))"}"# }
        return #"{"accepted":\#(reply.accepted),"rejected":\#(reply.rejected),"errors":[\#(errors.joined(separator: ","))]}"# + "\n"
    }

    /// A refusal: the counts first (the reply's shape), then why.
    static func line(_ refusal: FeedSocketRefusal, after counts: FeedPushReply) -> String {
        var text = line(counts)
        text.removeLast(2)  // "}\n"
        return text + #","error":"\#(FeedLineEncoder.escaped(refusal.error))","message":"\#(FeedLineEncoder.escaped(refusal.message))"}"# + "\n"
    }
}
