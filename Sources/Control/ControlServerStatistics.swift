import Synchronization

/// Counts of what `ControlServer` has seen since it started, for the daemon's metrics:
/// every refused input is counted (docs/design.md, principle 2), not only logged.
public struct ControlServerStatistics: Sendable, Hashable {
    /// Connections accepted and served (refused ones are not included).
    public var connections = 0
    /// Request lines received (well-formed or not).
    public var requests = 0
    /// Requests answered `bad_request` by the server itself: not JSON, unknown command,
    /// missing field, or oversize.
    public var badRequests = 0
    /// Of `badRequests`, lines over the size limit (their connection was closed).
    public var oversizeRequests = 0
    /// Connections closed because no complete request arrived in time (`requestTimeout` for
    /// the first request, `idleTimeout` after a reply).
    public var idleDisconnects = 0
    /// Connections refused `busy` because their non-admin uid held its maximum already.
    public var refusedUserLimit = 0
    /// Connections refused `busy` because the non-admin pool was full.
    public var refusedServerFull = 0
    /// Connections refused `busy` because the admin pool was full.
    public var refusedAdminLimit = 0
    /// Connections refused because the kernel gave no peer credentials.
    public var refusedUnidentified = 0

    public init() {}

    /// Every connection refused at accept time, whatever the reason.
    public var refusedConnections: Int { refusedUserLimit + refusedServerFull + refusedAdminLimit + refusedUnidentified }
}

/// The live counters, shared by the server's tasks and its channel handlers.
final class ControlServerCounters: Sendable {
    private let counts = Mutex(ControlServerStatistics())

    var snapshot: ControlServerStatistics { counts.withLock { $0 } }

    func count(_ update: (inout ControlServerStatistics) -> Void) {
        counts.withLock { update(&$0) }
    }

    func count(_ refusal: ConnectionRefusal) {
        count {
            switch refusal {
            case .userLimit: $0.refusedUserLimit += 1
            case .serverFull: $0.refusedServerFull += 1
            case .adminLimit: $0.refusedAdminLimit += 1
            case .unidentified: $0.refusedUnidentified += 1
            }
        }
    }
}
