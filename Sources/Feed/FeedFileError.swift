import FeedParsing
/// Failures of the file feed that the daemon must report (bad configuration or a
/// broken file system), as opposed to bad lines, which are counted, not thrown.
public enum FeedFileError: Error, Sendable, Equatable {
    /// A system call failed; `errno` as returned.
    case system(call: String, path: String, errno: Int32)
    /// The feed path names a directory, FIFO, device or socket.
    case notARegularFile(path: String)
}
