#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The control socket's authorization policy (docs/operations.md, authorization).
///
/// - root (uid 0) and peers holding the admin group may do everything: as their gid, or
///   among the supplementary groups the peer process carried when it connected (SO_PEERGROUPS,
///   see `PeerCredentials`). The group database is not consulted for this: rights follow
///   the process (`setpriv --clear-groups` drops them, systemd's `SupplementaryGroups=`
///   grants them), as for file permissions;
/// - any other uid may read `status USER` and `explain USER` only for users whose `unix_user`
///   is that uid;
/// - such a uid asking `status` without a user gets the list restricted to its own users
///   (a user who owns nothing gets `forbidden`, which tells them more than an empty list);
/// - everything else (including `health`, `metrics`, `plan` and `counters`, which reveal
///   aggregate state or other users' traffic) is
///   refused with `forbidden`.
///
/// The decision for a user the peer does not own is `forbidden` whether or not that user
/// exists, so the answer does not reveal which user ids exist. The daemon rebuilds the
/// authorizer when the users file or config is reloaded.
public struct ControlAuthorizer: Sendable {
    public var adminGroupID: gid_t?
    /// uid -> ids of the users whose `unix_user` is that uid.
    public var usersByUID: [uid_t: Set<String>]

    public init(adminGroupID: gid_t?, usersByUID: [uid_t: Set<String>]) {
        self.adminGroupID = adminGroupID
        self.usersByUID = usersByUID
    }

    /// Builds the policy from the names the config and users file hold: the `admin_group`
    /// name and each user's `unix_user` (a login name or a numeric uid), resolved through
    /// NSS (blocking). Names that do not resolve grant nothing and are returned, so the
    /// daemon can warn about them; an unknown admin group means only root is admin.
    /// - Parameter unixUsers: user id -> `unix_user` as written in the users file.
    public static func resolving(
        adminGroup: String?, unixUsers: [String: String]
    ) -> (authorizer: ControlAuthorizer, unresolved: [String]) {
        var unresolved: [String] = []
        var adminGroupID: gid_t?
        if let adminGroup {
            adminGroupID = gid_t(adminGroup) ?? groupID(named: adminGroup)
            if adminGroupID == nil { unresolved.append(adminGroup) }
        }
        var usersByUID: [uid_t: Set<String>] = [:]
        for (user, unixUser) in unixUsers where !unixUser.isEmpty {
            guard let uid = uid_t(unixUser) ?? userID(named: unixUser) else {
                unresolved.append(unixUser)
                continue
            }
            usersByUID[uid, default: []].insert(user)
        }
        return (ControlAuthorizer(adminGroupID: adminGroupID, usersByUID: usersByUID), Array(Set(unresolved)).sorted())
    }

    /// The uid of login `name`, or nil when there is no such account (getpwnam_r).
    public static func userID(named name: String) -> uid_t? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
            if status == ERANGE && size < 1 << 20 {
                size *= 2
                continue
            }
            guard status == 0, let found = result else { return nil }
            return found.pointee.pw_uid
        }
    }

    /// The gid of group `name`, or nil when there is no such group (getgrnam_r).
    public static func groupID(named name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
            if status == ERANGE && size < 1 << 20 {
                size *= 2
                continue
            }
            guard status == 0, let found = result else { return nil }
            return found.pointee.gr_gid
        }
    }

    /// Root, or a peer whose gid or supplementary groups include the admin group.
    public func isAdmin(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 { return true }
        guard let adminGroupID else { return false }
        return peer.gid == adminGroupID || peer.groups.contains(adminGroupID)
    }

    public func authorize(_ request: ControlRequest, from peer: PeerCredentials) -> ControlAuthorization {
        if isAdmin(peer) { return .allowed }
        let owned = usersByUID[peer.uid] ?? []
        switch request.command {
        case .status, .explain:
            if let user = request.user {
                return owned.contains(user) ? .allowed : forbidden(request, peer, "user \(user) is not yours")
            }
            if request.command == .status && !owned.isEmpty { return .restricted(to: owned) }
            return forbidden(request, peer, "no user maps to your account")
        case .override, .clear, .reload, .metrics, .health, .plan, .counters:
            return forbidden(request, peer, "needs root or the admin group")
        }
    }

    private func forbidden(_ request: ControlRequest, _ peer: PeerCredentials, _ why: String) -> ControlAuthorization {
        .forbidden(ControlError(code: .forbidden, message: "uid \(peer.uid) may not \(request.command.rawValue): \(why)"))
    }
}
