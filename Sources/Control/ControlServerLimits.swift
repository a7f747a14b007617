/// Resource bounds of `ControlServer`, so that no client, hung or hostile, can take the
/// control socket away from the others, and above all not from the admins.
///
/// Connections are counted in two pools that never share capacity: one for root and the
/// admin group, one for everybody else. A connection over its pool's limit is refused at
/// once with one `busy` reply line and closed: it never waits for a slot, and it costs the
/// daemon two getsockopt calls and one write.
public struct ControlServerLimits: Sendable, Hashable {
    /// Longest request line accepted; a longer one gets a `bad_request` reply and the
    /// connection is closed.
    public var maximumRequestBytes: Int
    /// Longest request line accepted from root and the admin group: larger, because `plan`
    /// carries a config and a users file (`PlanInput.maximumFileBytes` each, JSON-escaped).
    public var maximumAdminRequestBytes: Int
    /// Connections one non-admin uid may hold at once. The socket is world-connectable, so
    /// without this one account could hold every slot.
    public var maximumConnectionsPerUser: Int
    /// Connections all non-admin uids together may hold at once (many accounts, or a user
    /// with many uids, still cannot exhaust the daemon's descriptors).
    public var maximumConnections: Int
    /// Connections root and admin-group members may hold at once. Reserved: non-admin
    /// connections never count against it, so `tierctl health` works during a flood.
    public var maximumAdminConnections: Int
    /// Time a new connection has to deliver its first complete request line. Short, because
    /// a real client writes its request right after connecting; a client that connects and
    /// trickles or sends nothing (slowloris) loses its slot after this.
    public var requestTimeout: Duration
    /// Time a connection may stay silent between a reply and its next complete request.
    public var idleTimeout: Duration
    /// Listen backlog of the socket (the kernel caps it at net.core.somaxconn). Clients that
    /// find it full retry until their timeout.
    public var backlog: Int32

    public init(
        maximumRequestBytes: Int = 64 * 1024,
        maximumAdminRequestBytes: Int = 20 << 20,
        maximumConnectionsPerUser: Int = 8,
        maximumConnections: Int = 64,
        maximumAdminConnections: Int = 128,
        requestTimeout: Duration = .seconds(2),
        idleTimeout: Duration = .seconds(10),
        backlog: Int32 = 1024
    ) {
        self.maximumRequestBytes = maximumRequestBytes
        self.maximumAdminRequestBytes = maximumAdminRequestBytes
        self.maximumConnectionsPerUser = maximumConnectionsPerUser
        self.maximumConnections = maximumConnections
        self.maximumAdminConnections = maximumAdminConnections
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.backlog = backlog
    }
}
