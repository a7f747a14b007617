#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is on the other end of a control connection, from the kernel (SO_PEERCRED), not
/// from anything the client says.
///
/// `groups` holds the primary gid and every supplementary group of the peer's user: `ucred`
/// only carries the primary gid, so membership of the admin group as a supplementary group
/// would otherwise be missed.
public struct PeerCredentials: Sendable, Hashable {
    public var pid: pid_t
    public var uid: uid_t
    public var gid: gid_t
    public var groups: Set<gid_t>

    public init(pid: pid_t, uid: uid_t, gid: gid_t, groups: Set<gid_t> = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups.union([gid])
    }

    /// The credentials of this process, with its real supplementary groups.
    public static func currentProcess() -> PeerCredentials {
        PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid(),
                        groups: groupList(uid: getuid(), primaryGID: getgid()))
    }

    /// The group list of the account with `uid` (getpwuid_r + getgrouplist), including
    /// `primaryGID`. Blocking (NSS): call it off the event loop. An uid without a passwd
    /// entry has only its primary group.
    public static func groupList(uid: uid_t, primaryGID: gid_t) -> Set<gid_t> {
        guard let name = userName(uid: uid) else { return [primaryGID] }
        var count: Int32 = 32
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            let before = count
            if getgrouplist(name, primaryGID, &groups, &count) >= 0 {
                return Set(groups.prefix(Int(count))).union([primaryGID])
            }
            // count now holds the number needed; guard against a libc that does not update it.
            count = max(count, before * 2)
        }
    }

    /// The login name of `uid`, or nil when it has no passwd entry.
    public static func userName(uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
            if status == ERANGE && size < 1 << 20 {
                size *= 2
                continue
            }
            guard status == 0, let found = result, let name = found.pointee.pw_name else { return nil }
            return String(cString: name)
        }
    }
}
