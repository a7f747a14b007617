/// What the daemon plugs into `ControlServer`: turns one validated request from an
/// identified peer into a reply. Called concurrently for different connections.
///
/// The server does not authorize; wrap the handler in `AuthorizingControlHandler` (or call
/// `ControlAuthorizer` yourself) so the policy lives in one place.
public protocol ControlHandler: Sendable {
    func handle(_ request: ControlRequest, from peer: PeerCredentials) async -> ControlReply
}

/// Applies a `ControlAuthorizer` before an inner handler: refuses with `forbidden`, and
/// filters a restricted `status` list down to the peer's own users.
///
/// `authorizer` is asked for each request so a reload's new users file takes effect at once.
public struct AuthorizingControlHandler<Inner: ControlHandler>: ControlHandler {
    public let authorizer: @Sendable () async -> ControlAuthorizer
    public let inner: Inner

    public init(authorizer: @escaping @Sendable () async -> ControlAuthorizer, inner: Inner) {
        self.authorizer = authorizer
        self.inner = inner
    }

    public func handle(_ request: ControlRequest, from peer: PeerCredentials) async -> ControlReply {
        let decision = await authorizer().authorize(request, from: peer)
        if case .forbidden(let error) = decision { return .failure(error) }
        return decision.filter(await inner.handle(request, from: peer))
    }
}
