import Control
#if canImport(Glibc)
import Glibc
#endif

/// Frees the feed socket's path for `bind` without ever taking it from a live server, and
/// removes it at the end only while it is still the socket this server bound.
///
/// The rule is the control socket's (`SocketPathClaim` in Control): a socket file nobody
/// listens on was left by a crash and is replaced; one that accepts `connect()` belongs to a
/// running process and is refused (`socketInUse`); any other kind of file is refused
/// (`pathOccupied`). Before this, the feed server unlinked whatever
/// socket was there, so a second tierd silently took the running one's feed socket and, on
/// its way out, deleted it.
struct FeedSocketPath {
    let path: String
    /// Device and inode of the socket file this server created.
    private let device: UInt64
    private let inode: UInt64

    /// Removes a stale socket file at `path`; throws when the path is live or not a socket.
    static func clear(_ path: String) throws(FeedSocketPathError) {
        switch SocketPathClaim.inspect(path) {
        case .free, .removedStale: return
        case .live: throw .socketInUse(path: path)
        case .occupied: throw .pathOccupied(path: path)
        case .probeFailed(let code): throw .probeFailed(path: path, errno: code)
        }
    }

    /// Remembers the socket file just bound at `path` (nil if it is not there).
    init?(boundAt path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Unlinks the path if it still names the socket this server bound: a socket another
    /// process put there since (after a stale-file replacement) is not this server's to remove.
    func removeIfUnchanged() {
        var info = stat()
        guard lstat(path, &info) == 0, UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else { return }
        unlink(path)
    }
}
