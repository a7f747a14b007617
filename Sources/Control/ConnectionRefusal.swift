#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why `ControlServer` refused a connection at accept time. The client gets one `busy`
/// reply line saying which limit it hit, then the connection is closed.
enum ConnectionRefusal: Error, Hashable {
    /// This non-admin uid already holds `maximumConnectionsPerUser` connections.
    case userLimit(uid: uid_t, limit: Int)
    /// Non-admin connections together already fill `maximumConnections`.
    case serverFull(limit: Int)
    /// Admin connections already fill `maximumAdminConnections`.
    case adminLimit(limit: Int)
    /// The kernel gave no peer credentials, so the connection cannot be authorized at all.
    case unidentified(PeerCredentialsError)

    var reply: ControlReply {
        switch self {
        case .userLimit(let uid, let limit):
            .error(.busy, "uid \(uid) already has \(limit) connections open, the most one account may hold; close one or try again later")
        case .serverFull(let limit):
            .error(.busy, "the control socket already serves \(limit) connections from non-admin accounts; try again later")
        case .adminLimit(let limit):
            .error(.busy, "the control socket already serves \(limit) admin connections; try again later")
        case .unidentified(let error):
            .error(.internal, "connection refused: \(error)")
        }
    }
}
