/// A rejected line: which one (1-based within its file or connection) and why.
public struct FeedLineRejection: Sendable, Codable, Equatable {
    public var line: Int
    public var reason: FeedRejectionReason

    public init(line: Int, reason: FeedRejectionReason) {
        self.line = line
        self.reason = reason
    }
}
