import FeedParsing
/// The limits that keep one feed socket producer from hurting the daemon or the others.
public struct FeedSocketLimits: Sendable, Equatable {
    /// Connections served at once; more are refused with `too_many_connections`.
    public var maxConnections: Int
    /// A connection that sends nothing for this long is answered `idle_timeout` and closed;
    /// its events not yet handed to `onBatch` are dropped (it was never acknowledged).
    public var idleTimeout: Duration
    /// Events accumulated per connection before they are handed to `onBatch`: bounds the
    /// memory of one connection, however much it sends.
    public var maxEventsPerBatch: Int
    /// At most this many rejected lines are itemized in a reply (`rejected` counts all).
    public var maxReportedErrors: Int
    /// Mode of the socket file (group-writable: producers are put in the daemon's group).
    public var socketMode: UInt32

    public init(
        maxConnections: Int = 64,
        idleTimeout: Duration = .seconds(30),
        maxEventsPerBatch: Int = 4096,
        maxReportedErrors: Int = 100,
        socketMode: UInt32 = 0o660
    ) {
        self.maxConnections = max(1, maxConnections)
        self.idleTimeout = idleTimeout
        self.maxEventsPerBatch = max(1, maxEventsPerBatch)
        self.maxReportedErrors = max(0, maxReportedErrors)
        self.socketMode = socketMode
    }
}
