#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// `state_dir`, held open. Every file in it is opened relative to this descriptor with
/// O_NOFOLLOW, so a symbolic link planted there (`audit.jsonl -> /etc/shadow`) is refused
/// instead of being written through as root, and a file with other hard links is refused
/// for the same reason.
///
/// The configured path is resolved once, at start: a `state_dir` that is a symlink the
/// operator set up is used, but a link swapped in later is not followed. When the directory
/// is removed while tierd runs, `revalidate()` notices (the open descriptor would otherwise
/// keep writing into a deleted directory that nothing can ever read back) and recreates it.
public final class StateDirectory {
    /// The directory as resolved at start.
    public let path: FilePath
    private var descriptor: FileDescriptor

    /// Creates the directory if missing (systemd's StateDirectory= normally did already),
    /// resolves it and opens it.
    public init(configured: FilePath) throws(PersistenceError) {
        do {
            try DurableFile.makeDirectory(configured)
        } catch {
            throw .system(configured.string, error)
        }
        guard let resolved = realpath(configured.string, nil) else { throw .system(configured.string) }
        path = FilePath(String(cString: resolved))
        free(resolved)
        descriptor = try Self.openDirectory(path)
    }

    deinit { try? descriptor.close() }

    /// The full path of a file in the directory, for messages.
    public func pathOf(_ name: String) -> String { path.appending(name).string }

    /// Checks that the path still names the directory held open. When it was removed (or
    /// renamed away), recreates it and opens the new one; returns true then, because every
    /// file tierd had there is gone and must be written anew. A path that became a symlink
    /// or another kind of file is refused.
    public func revalidate() throws(PersistenceError) -> Bool {
        var held = stat()
        var named = stat()
        let heldOK = fstat(descriptor.rawValue, &held) == 0
        if lstat(path.string, &named) == 0 {
            if heldOK && held.st_nlink > 0 && held.st_dev == named.st_dev && held.st_ino == named.st_ino { return false }
        } else if errno == ENOENT {
            if mkdir(path.string, 0o750) != 0 && errno != EEXIST { throw .system(path.string) }
        } else {
            throw .system(path.string)
        }
        let replacement = try Self.openDirectory(path)
        try? descriptor.close()
        descriptor = replacement
        return true
    }

    /// Opens `name` in the directory (never through a symbolic link) and checks that it is a
    /// plain file with no other hard links. O_NONBLOCK (no effect on a regular file) keeps a
    /// FIFO planted under a state file's name from hanging the daemon in open().
    func open(_ name: String, _ flags: Int32, mode: mode_t = 0o600) throws(PersistenceError) -> FileDescriptor {
        let fd = openat(descriptor.rawValue, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode)
        guard fd >= 0 else { throw .system(pathOf(name)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .system(pathOf(name), code)
        }
        if info.st_mode & S_IFMT != S_IFREG || info.st_nlink > 1 {
            close(fd)
            let what = info.st_mode & S_IFMT != S_IFREG ? "not a regular file" : "has \(info.st_nlink) hard links"
            throw PersistenceError(path: pathOf(name), cause: .refused("\(what); tierd writes only plain files of its own in state_dir"))
        }
        return FileDescriptor(rawValue: fd)
    }

    /// Reads a whole file, or nil when it does not exist.
    func read(_ name: String) throws(PersistenceError) -> [UInt8]? {
        let fd: FileDescriptor
        do {
            fd = try open(name, O_RDONLY)
        } catch where error.errnoCode == ENOENT {
            return nil
        }
        defer { try? fd.close() }
        do {
            return try DurableFile.readAll(fd)
        } catch {
            throw .system(pathOf(name), error)
        }
    }

    /// Writes `bytes` to `name` atomically: a temporary file in the directory, fsync, rename
    /// over the target, fsync of the directory (so the rename itself is durable). After a
    /// crash or a failure the file holds the old or the new content, never a mix; a failed
    /// replace leaves no temporary file behind.
    func replace(_ name: String, with bytes: [UInt8], mode: mode_t = 0o600) throws(PersistenceError) {
        let temporary = "\(name).tmp-\(getpid())"
        unlinkat(descriptor.rawValue, temporary, 0)
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        do throws(PersistenceError) {
            defer { try? fd.close() }
            do {
                _ = try fd.writeAll(bytes)
            } catch {
                throw PersistenceError.system(pathOf(name), error)
            }
            guard fsync(fd.rawValue) == 0 else { throw PersistenceError.system(pathOf(name)) }
            guard renameat(descriptor.rawValue, temporary, descriptor.rawValue, name) == 0 else {
                throw PersistenceError.system(pathOf(name))
            }
        } catch {
            unlinkat(descriptor.rawValue, temporary, 0)
            throw error
        }
        try sync()
    }

    /// Removes `name`; false when it was not there (or could not be removed).
    @discardableResult
    func remove(_ name: String) -> Bool {
        unlinkat(descriptor.rawValue, name, 0) == 0
    }

    /// fsync of the directory: makes creates, renames and removals in it durable.
    func sync() throws(PersistenceError) {
        guard fsync(descriptor.rawValue) == 0 else { throw .system(path.string) }
    }

    /// Device and inode of what `name` is now (not following a link), nil when missing.
    func identity(of name: String) -> FileIdentity? {
        var info = stat()
        guard fstatat(descriptor.rawValue, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return FileIdentity(info)
    }

    private static func openDirectory(_ path: FilePath) throws(PersistenceError) -> FileDescriptor {
        let fd = Glibc.open(path.string, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOTDIR || errno == ELOOP {
                throw PersistenceError(path: path.string, cause: .refused("is not a directory (or was replaced by a symbolic link)"))
            }
            throw .system(path.string)
        }
        return FileDescriptor(rawValue: fd)
    }
}

/// Which file an open descriptor or a name refers to: a file replaced by rename, or
/// removed and recreated, has another identity than the descriptor still held.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The identity of an open file, nil if fstat fails.
    init?(descriptor: FileDescriptor) {
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else { return nil }
        self.init(info)
    }
}
