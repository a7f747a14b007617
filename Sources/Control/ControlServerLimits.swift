import NIOCore

/// Resource bounds of `ControlServer`, so that no client, hung or hostile, can take the
/// control socket away from the others.
public struct ControlServerLimits: Sendable, Hashable {
    /// Longest request line accepted; a longer one gets a `bad_request` reply and the
    /// connection is closed.
    public var maximumRequestBytes: Int
    /// Connections served at once; further clients wait in the listen backlog until a slot
    /// frees (they are delayed, not refused).
    public var maximumConnections: Int
    /// A connection that has not sent a complete request this long after opening (or after
    /// its last reply) is closed.
    public var idleTimeout: Duration
    /// Listen backlog of the socket (the kernel caps it at net.core.somaxconn). Clients that
    /// find it full retry until their timeout.
    public var backlog: Int32

    public init(
        maximumRequestBytes: Int = 64 * 1024,
        maximumConnections: Int = 64,
        idleTimeout: Duration = .seconds(10),
        backlog: Int32 = 1024
    ) {
        self.maximumRequestBytes = maximumRequestBytes
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.backlog = backlog
    }

    /// `idleTimeout` for NIO's scheduler.
    var idleTimeAmount: TimeAmount {
        let (seconds, attoseconds) = idleTimeout.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
