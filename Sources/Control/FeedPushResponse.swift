/// A feed socket summary and the exact line it came from.
public struct FeedPushResponse: Sendable, Hashable {
    public var reply: FeedPushReply
    public var line: String

    public init(reply: FeedPushReply, line: String) {
        self.reply = reply
        self.line = line
    }
}
