#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension PeerCredentials {
    /// Reads the peer of the connected Unix socket `descriptor`: SO_PEERCRED, then
    /// SO_PEERGROUPS. Two getsockopt calls, no NSS lookup: cheap and non-blocking, so it
    /// runs on the event loop when a connection is accepted.
    ///
    /// A kernel without SO_PEERGROUPS (before 4.13) yields the primary gid only: admin
    /// rights through a supplementary group are then not recognised (fail closed).
    /// - Throws: `PeerCredentialsError` when the socket has no peer credentials.
    public init(socket descriptor: Int32) throws(PeerCredentialsError) {
        var credentials = UCredMirror()
        var length = socklen_t(MemoryLayout<UCredMirror>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0,
            Int(length) == MemoryLayout<UCredMirror>.size
        else { throw PeerCredentialsError(option: "SO_PEERCRED", errno: errno) }
        self.init(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid,
                  groups: Set(try Self.supplementaryGroups(socket: descriptor)))
    }

    /// Linux's SO_PEERGROUPS (`<asm-generic/socket.h>`; Swift's Glibc module does not
    /// export it).
    static let peerGroupsOption: Int32 = 59

    /// The peer's supplementary groups. The kernel answers ERANGE with the size it needs
    /// when the buffer is too small: retry with that size (a process may hold up to 65536).
    static func supplementaryGroups(socket descriptor: Int32) throws(PeerCredentialsError) -> [gid_t] {
        let width = MemoryLayout<gid_t>.size
        var capacity = 64
        while true {
            var groups = [gid_t](repeating: 0, count: capacity)
            var length = socklen_t(capacity * width)
            if getsockopt(descriptor, SOL_SOCKET, peerGroupsOption, &groups, &length) == 0 {
                return Array(groups.prefix(Int(length) / width))
            }
            let code = errno
            if code == ENOPROTOOPT { return [] }
            guard code == ERANGE, Int(length) / width > capacity else {
                throw PeerCredentialsError(option: "SO_PEERGROUPS", errno: code)
            }
            capacity = Int(length) / width
        }
    }
}
