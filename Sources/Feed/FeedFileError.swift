import FeedParsing
import Glibc

/// Failures of the file feed that the daemon must report (bad configuration or a
/// broken file system), as opposed to bad lines, which are counted, not thrown.
///
/// None of them is fatal: `FeedFileFollower.run` marks the source failed with the
/// `description`, keeps waiting, and resumes when a regular file is back at the path.
public enum FeedFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed; `errno` as returned.
    case system(call: String, path: String, errno: Int32)
    /// The feed path names a directory, FIFO, device or socket (`kind` says which).
    case notARegularFile(path: String, kind: String)
    /// The directory that should hold the feed file does not exist (or is not a directory).
    case directoryMissing(directory: String)

    public var description: String {
        switch self {
        case .system(let call, let path, let code):
            return "\(call) \(path): \(String(cString: strerror(code))) (errno \(code))"
        case .notARegularFile(let path, let kind):
            return "\(path) is a \(kind), not a regular file"
        case .directoryMissing(let directory):
            return "directory \(directory) does not exist"
        }
    }

    /// What kind of file `mode` (an `st_mode`) describes, for messages.
    static func kind(ofMode mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "directory"
        case S_IFIFO: "FIFO"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFSOCK: "socket"
        case S_IFLNK: "symbolic link"
        default: "special file"
        }
    }
}
