/// `[feed]`: where scores come from. Both sources are optional; with neither, only
/// `tierctl override` changes tiers.
public struct FeedSection: Sendable, Equatable {
    /// Absolute path of the watched JSONL/CSV file (relative paths in the config are
    /// resolved against the config file's directory).
    public var file: String?
    /// Absolute path of the feed's Unix stream socket.
    public var socket: String?
    /// Seconds without an event after which a user falls back to the default tier;
    /// nil disables staleness (`stale_after = "0s"`).
    public var staleAfter: Double?
    /// Longest accepted line in bytes; longer lines are rejected, never buffered.
    public var maxLine: Int
    /// Seconds an event's `ts` may lie in the future; events stamped later are rejected
    /// (`future_timestamp`) instead of freezing their user until that date.
    public var maxFutureSkew: Double

    public static let defaultStaleAfter = 900.0
    public static let defaultMaxLine = 4096
    public static let defaultMaxFutureSkew = 300.0

    public init(
        file: String? = nil,
        socket: String? = nil,
        staleAfter: Double? = FeedSection.defaultStaleAfter,
        maxLine: Int = FeedSection.defaultMaxLine,
        maxFutureSkew: Double = FeedSection.defaultMaxFutureSkew
    ) {
        self.file = file
        self.socket = socket
        self.staleAfter = staleAfter
        self.maxLine = maxLine
        self.maxFutureSkew = maxFutureSkew
    }
}
