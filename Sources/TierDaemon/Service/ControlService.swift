import Control
import ServiceLifecycle

/// Serves the control socket; authorization by SO_PEERCRED happens in
/// `AuthorizingControlHandler` before the daemon sees a request.
struct ControlService: Service {
    let daemon: Daemon
    let path: String
    let notifier: SystemdNotifier

    struct Handler: ControlHandler {
        let daemon: Daemon
        let notifier: SystemdNotifier
        func handle(_ request: ControlRequest, from peer: PeerCredentials) async -> ControlReply {
            await daemon.handle(request, notifier: notifier)
        }
    }

    func run() async throws {
        let handler = AuthorizingControlHandler(
            authorizer: { [daemon] in await daemon.authorizer() },
            inner: Handler(daemon: daemon, notifier: notifier))
        let server = ControlServer(path: path, handler: handler)
        try await server.start()
        try? await gracefulShutdown()
        await server.stop()
    }
}
