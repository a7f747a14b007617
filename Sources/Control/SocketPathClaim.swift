#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Makes a Unix socket path free for `bind`, without ever taking it from a live server.
///
/// A socket file left by a crashed daemon is removed; a socket someone still listens on is
/// not (`socketInUse`: a second tierd must not silently steal the first one's control
/// socket), nor is any other kind of file (`pathOccupied`). NIO's own
/// `cleanupExistingSocketFile` removes any socket file, live or not.
public enum SocketPathClaim {
    /// What is at a socket path, as far as binding it is concerned.
    public enum State: Equatable, Sendable {
        /// Nothing: bind away.
        case free
        /// A socket file nobody listens on (left by a crash), now removed.
        case removedStale
        /// A socket a server accepts connections on: never taken.
        case live
        /// Not a socket, or a stale one that could not be removed.
        case occupied
        /// The probe itself failed with this errno.
        case probeFailed(Int32)
    }

    /// Removes a stale socket file at `path` and says what was there. The one rule for every
    /// socket tierd binds (control and feed).
    public static func inspect(_ path: String) -> State {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .free }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .occupied }
        switch probe(path) {
        case 0, EAGAIN, EINPROGRESS:
            return .live
        case ECONNREFUSED, ENOENT:
            return unlink(path) != 0 && errno != ENOENT ? .occupied : .removedStale
        case let code:
            return .probeFailed(code)
        }
    }

    static func clear(_ path: String) throws(ControlServerError) {
        switch inspect(path) {
        case .free, .removedStale: return
        case .live: throw .socketInUse(path: path)
        case .occupied: throw .pathOccupied(path: path)
        case .probeFailed(let code): throw .probeFailed(path: path, errno: code)
        }
    }

    /// Connects without blocking; returns 0 when a server accepted, else the errno.
    private static func probe(_ path: String) -> Int32 {
        var address = sockaddr_un()
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else { return ENAMETOOLONG }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? 0 : errno
    }
}
