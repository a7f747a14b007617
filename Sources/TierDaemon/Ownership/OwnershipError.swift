/// Why this tierd did not take ownership of its state directory and devices.
///
/// `heldByAnother` is the expected refusal (another tierd runs with the same `state_dir`, or
/// on the same device in the same network namespace): tierd exits with
/// `ExitStatus.alreadyRunning` (75, EX_TEMPFAIL) before touching the kernel, any socket or any
/// state file. `system` is a failure to even check (unwritable state directory, ...): exit 1.
public enum OwnershipError: Error, CustomStringConvertible {
    /// `what` names the contended resource; `pid` is the running owner's, when it could be
    /// learned (a PID from another PID namespace reads as nil).
    case heldByAnother(what: String, pid: Int32?)
    case system(call: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .heldByAnother(let what, let pid):
            let owner = pid.map { "another tierd (pid \($0))" } ?? "another tierd (pid unknown)"
            return "\(owner) already owns \(what); not starting (nothing was changed)"
        case .system(let call, let path, let code):
            return "\(call) \(path): \(String(cString: strerror(code)))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
