import FeedParsing
/// The feed socket did not answer as the contract says.
public enum FeedPushError: Error, Sendable, Equatable {
    /// The socket could not be reached: `errno` ENOENT/ECONNREFUSED mean the daemon is not
    /// running (`tierctl` exit 69), EACCES that the caller may not push (exit 77).
    case cannotConnect(path: String, errno: Int32)
    /// The connection closed without a complete reply line.
    case noReply
    /// The reply was not the expected JSON (or far too long).
    case malformedReply
}
