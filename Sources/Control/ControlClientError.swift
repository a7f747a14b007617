#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a client exchange with a daemon socket failed (before any reply could be read).
public enum ControlClientError: Error, Hashable, CustomStringConvertible {
    /// connect() failed: no socket file, nobody listening, path too long, ...
    case unreachable(path: String, errno: Int32?, reason: String)
    /// No complete reply line within the timeout.
    case timedOut(path: String, after: Duration)
    /// The daemon closed the connection without replying.
    case closedWithoutReply(path: String)
    /// The reply line is not valid protocol JSON.
    case invalidReply(path: String, reason: String)

    /// sysexits code for this failure: permission denied on the socket is 77 (EX_NOPERM),
    /// a reply we cannot read is 1, anything else means the daemon is unreachable: 69
    /// (EX_UNAVAILABLE).
    public var exitCode: Int32 {
        switch self {
        case .unreachable(_, let code?, _) where code == EACCES || code == EPERM: 77
        case .invalidReply: 1
        case .unreachable, .timedOut, .closedWithoutReply: 69
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let path, let code?, _):
            "cannot connect to \(path): \(String(cString: strerror(code))) (errno \(code)); is tierd running?"
        case .unreachable(let path, nil, let reason):
            "cannot connect to \(path): \(reason); is tierd running?"
        case .timedOut(let path, let after):
            "no reply from \(path) within \(after)"
        case .closedWithoutReply(let path):
            "\(path) closed the connection without replying"
        case .invalidReply(let path, let reason):
            "unreadable reply from \(path): \(reason)"
        }
    }
}
