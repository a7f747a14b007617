#if canImport(Glibc)
import Glibc
#endif

/// Why the feed socket's path could not be taken for `bind`.
public enum FeedSocketPathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A server accepts connections on it (another tierd, most likely): never taken over.
    case socketInUse(path: String)
    /// Something that is not a socket is there.
    case pathOccupied(path: String)
    /// Checking whether a server listens failed in an unexpected way.
    case probeFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .socketInUse(let path): "feed socket \(path) is in use by a running server; not taking it over"
        case .pathOccupied(let path): "feed socket path \(path) is occupied by a file that is not a socket"
        case .probeFailed(let path, let code): "cannot check feed socket \(path): \(String(cString: strerror(code)))"
        }
    }
}
