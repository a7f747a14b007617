import Synchronization

/// Counts of what `ControlServer` has seen since it started, for the daemon's metrics:
/// every refused input is counted (docs/design.md, principle 2), not only logged.
public struct ControlServerStatistics: Sendable, Hashable {
    /// Connections accepted.
    public var connections = 0
    /// Request lines received (well-formed or not).
    public var requests = 0
    /// Requests answered `bad_request` by the server itself: not JSON, unknown command,
    /// missing field, or oversize.
    public var badRequests = 0
    /// Of `badRequests`, lines over the size limit (their connection was closed).
    public var oversizeRequests = 0
    /// Connections closed because no complete request arrived within the idle timeout.
    public var idleDisconnects = 0

    public init() {}
}

/// The live counters, shared by the server's tasks and its channel handlers.
final class ControlServerCounters: Sendable {
    private let counts = Mutex(ControlServerStatistics())

    var snapshot: ControlServerStatistics { counts.withLock { $0 } }

    func count(_ update: (inout ControlServerStatistics) -> Void) {
        counts.withLock { update(&$0) }
    }
}
