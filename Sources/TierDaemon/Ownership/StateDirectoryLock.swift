#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Exclusive use of a state directory for the life of the process: `flock(LOCK_EX|LOCK_NB)`
/// on `state_dir/tierd.lock`, a file holding the owner's PID for the next one to name.
///
/// Why flock: the kernel drops the lock when the process ends, however it ends (`kill -9`
/// included), so a lock file left behind never blocks a restart. The file is never removed:
/// unlinking a lock file while another process opens it lets two processes each lock "the"
/// file on two different inodes.
final class StateDirectoryLock {
    static let fileName = "tierd.lock"

    let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Creates the directory if needed, locks the file and writes this process's PID into it.
    static func acquire(directory: String) throws(OwnershipError) -> StateDirectoryLock {
        do { try DurableFile.makeDirectory(FilePath(directory)) } catch {
            throw .system(call: "mkdir", path: directory, errno: error.rawValue)
        }
        let path = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            defer { close(fd) }
            guard code == EWOULDBLOCK else { throw .system(call: "flock", path: path, errno: code) }
            throw .heldByAnother(what: "state_dir \(directory) (lock \(path))", pid: holderPID(fd))
        }
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.count, 0) == text.count else {
            let code = errno
            close(fd)
            throw .system(call: "write", path: path, errno: code)
        }
        return StateDirectoryLock(path: path, fd: fd)
    }

    /// The PID the owner wrote. It locks before it writes, so an empty file means "just
    /// started": read once more after a moment.
    private static func holderPID(_ fd: Int32) -> Int32? {
        for attempt in 0..<2 {
            if attempt > 0 { usleep(50_000) }
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            if count > 0, let pid = Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingWhitespace()), pid > 0 {
                return pid
            }
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
