import Control
import Feed
import FeedParsing
import ServiceLifecycle

/// The daemon's listening sockets: the control socket (the daemon's authorization policy
/// decides twice: who counts as an admin when a connection is accepted, the admin pool of
/// `ControlServerLimits`, and what each request may do, `AuthorizingControlHandler`, before
/// the daemon sees it) and the optional feed socket
/// (each connection's events journaled and applied before the producer gets its
/// `{"accepted":N,...}` reply).
///
/// Bound by `bind` before READY, so that READY means "answers"; as a service it only waits
/// for shutdown and then closes them. Neither server takes a path from a live server (see
/// `ControlServer` and `FeedSocketServer.start`), and if the feed socket cannot be bound the
/// control socket just bound is closed again: a failed start leaves no socket of its own
/// behind and removes none of anyone else's.
struct DaemonSockets: Service {
    let control: ControlServer
    let feed: FeedSocketServer?

    /// `counters` goes to the sampler, which shares one dump between clients and takes it
    /// off the daemon's actor; everything else to the daemon.
    private struct Handler: ControlHandler {
        let daemon: Daemon
        let notifier: SystemdNotifier
        let sampler: CounterSampler
        func handle(_ request: ControlRequest, from peer: PeerCredentials) async -> ControlReply {
            if request.command == .counters { return await sampler.reply() }
            return await daemon.handle(request, notifier: notifier)
        }
    }

    static func bind(
        daemon: Daemon, configuration: DaemonConfiguration, parser: FeedLineParser, notifier: SystemdNotifier
    ) async throws -> DaemonSockets {
        let access = daemon.controlAccess
        let handler = AuthorizingControlHandler(
            authorizer: { access.authorizer },
            inner: Handler(daemon: daemon, notifier: notifier, sampler: CounterSampler(
                layout: { [daemon] in await daemon.counterLayout() }, dump: daemon.counterReader.read)))
        let control = ControlServer(path: configuration.daemon.controlSocket, handler: handler, isAdmin: { access.isAdmin($0) })
        try await control.start()
        await daemon.observeControlServer { control.statistics }
        guard let path = configuration.feed.socket else { return DaemonSockets(control: control, feed: nil) }
        let feed = FeedSocketServer(
            path: path, parser: parser,
            onBatch: { [daemon] events in try await daemon.acceptDurably(events) },
            onRejections: { [daemon] counts, examples in
                await daemon.recordRejections(counts, examples: examples, source: .socket)
            })
        do {
            try await feed.start()
        } catch {
            await control.stop()
            throw error
        }
        return DaemonSockets(control: control, feed: feed)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await stop()
    }

    /// Closes both (idempotent); each removes only the socket file it created.
    func stop() async {
        await feed?.stop()
        await control.stop()
    }
}
