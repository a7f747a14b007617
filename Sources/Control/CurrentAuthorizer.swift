import Synchronization

/// The authorization policy in force, readable from any thread without waiting: the control
/// server asks it who is an admin as each connection is accepted (on an event loop, where
/// awaiting the daemon's actor is not an option), and the request handler asks it for each
/// request. The daemon replaces it when a reload changes the users file or `admin_group`.
public final class CurrentAuthorizer: Sendable {
    private let current: Mutex<ControlAuthorizer>

    public init(_ authorizer: ControlAuthorizer) {
        current = Mutex(authorizer)
    }

    public var authorizer: ControlAuthorizer { current.withLock { $0 } }

    public func replace(with authorizer: ControlAuthorizer) {
        current.withLock { $0 = authorizer }
    }

    /// `ControlAuthorizer.isAdmin` of the policy in force.
    public func isAdmin(_ peer: PeerCredentials) -> Bool {
        current.withLock { $0.isAdmin(peer) }
    }
}
