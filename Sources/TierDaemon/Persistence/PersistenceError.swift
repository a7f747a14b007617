#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A write (or read) in `state_dir` that failed. It always names the file and the system's
/// reason, because it is what an operator reads in a refused `tierctl override`, in
/// `tierctl health` and in the log: "/var/lib/tierd/state.json: No space left on device
/// (errno 28)" says what to fix, "persistence failed" does not.
public struct PersistenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why: a system call's errno, or something tierd refused on its own.
    public enum Cause: Sendable, Hashable {
        case errno(Int32)
        /// The name is a symbolic link: refused, never followed (it could point anywhere).
        case symbolicLink
        /// Refused by tierd for the reason given: not a regular file, a file with other hard
        /// links (writing it would write somewhere else too), a state_dir that is no longer a
        /// directory.
        case refused(String)
    }

    public var path: String
    public var cause: Cause

    public init(path: String, cause: Cause) {
        self.path = path
        self.cause = cause
    }

    /// The error for a failed system call on `path`, from the current `errno`.
    static func system(_ path: String, _ code: Int32 = errno) -> PersistenceError {
        // ELOOP from an O_NOFOLLOW open means the last component is a symbolic link.
        PersistenceError(path: path, cause: code == ELOOP ? .symbolicLink : .errno(code))
    }

    /// The error for a failed `FileDescriptor` call (which throws `Errno`).
    static func system(_ path: String, _ error: any Error) -> PersistenceError {
        system(path, (error as? Errno)?.rawValue ?? EIO)
    }

    public var errnoCode: Int32? {
        if case .errno(let code) = cause { return code }
        return nil
    }

    public var description: String {
        switch cause {
        case .errno(let code): "\(path): \(String(cString: strerror(code))) (errno \(code))"
        case .symbolicLink: "\(path): is a symbolic link; tierd never follows links in state_dir (remove it)"
        case .refused(let why): "\(path): \(why)"
        }
    }
}
