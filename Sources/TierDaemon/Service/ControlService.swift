import Control
import ServiceLifecycle

/// Serves the control socket. The daemon's authorization policy decides twice: who counts
/// as an admin when a connection is accepted (the admin pool of `ControlServerLimits`), and
/// what each request may do (`AuthorizingControlHandler`, before the daemon sees it).
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
        let access = daemon.controlAccess
        let handler = AuthorizingControlHandler(
            authorizer: { access.authorizer },
            inner: Handler(daemon: daemon, notifier: notifier))
        let server = ControlServer(path: path, handler: handler, isAdmin: { access.isAdmin($0) })
        try await server.start()
        await daemon.observeControlServer { server.statistics }
        try? await gracefulShutdown()
        await server.stop()
    }
}
