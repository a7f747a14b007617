#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is on the other end of a control connection, from the kernel, not from anything the
/// client says: uid, gid and pid from SO_PEERCRED and the supplementary groups from
/// SO_PEERGROUPS, both as they were when the peer called connect().
///
/// `groups` holds the primary gid and the groups the peer *process* carried, not those the
/// group database lists for its uid: a process that dropped its groups
/// (`setpriv --clear-groups`) has dropped its admin rights with them, and one given a group
/// for the job only (systemd's `SupplementaryGroups=`) has that group's rights.
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

    /// The credentials of this process, with the supplementary groups it holds (getgroups),
    /// i.e. what a server would read from a socket this process connects.
    public static func currentProcess() -> PeerCredentials {
        let count = getgroups(0, nil)
        var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
        let filled = groups.isEmpty ? 0 : getgroups(Int32(groups.count), &groups)
        return PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid(), groups: Set(groups.prefix(Int(max(filled, 0)))))
    }
}
