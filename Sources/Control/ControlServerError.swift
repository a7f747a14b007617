#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why `ControlServer` could not start.
public enum ControlServerError: Error, Hashable, CustomStringConvertible {
    /// The socket was bound but its mode could not be set; it was closed again.
    case chmodFailed(path: String, errno: Int32)
    /// `start()` on a server that is starting, running or stopped.
    case alreadyStarted
    /// Another server accepts connections on the path: refuse rather than steal it.
    case socketInUse(path: String)
    /// The path exists and is not a socket (or cannot be removed).
    case pathOccupied(path: String)
    /// Checking whether the existing socket is live failed.
    case probeFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .chmodFailed(let path, let code): "cannot chmod \(path): \(String(cString: strerror(code)))"
        case .alreadyStarted: "control server already started (a stopped server is not restarted: create a new one)"
        case .socketInUse(let path): "\(path) is in use by a running server (is tierd already running?)"
        case .pathOccupied(let path): "\(path) exists and is not a stale socket"
        case .probeFailed(let path, let code): "cannot check \(path): \(String(cString: strerror(code)))"
        }
    }
}
