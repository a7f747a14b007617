/// The feed socket did not answer as the contract says.
public enum FeedPushError: Error, Sendable, Equatable {
    /// The connection closed without a complete reply line.
    case noReply
    /// The reply was not the expected JSON (or far too long).
    case malformedReply
}
