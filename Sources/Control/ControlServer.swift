import Foundation
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The daemon's control socket: a Unix stream socket speaking JSON Lines (one request line,
/// one reply line, any number of times per connection).
///
/// - Each connection's peer is identified by the kernel when it is accepted (SO_PEERCRED and
///   SO_PEERGROUPS, see `PeerCredentials`), and every request is passed to the
///   `ControlHandler` with those credentials.
/// - Requests are validated first (`ControlRequest.validate()`); malformed ones get
///   `bad_request` without reaching the handler. A line over `limits.maximumRequestBytes`
///   gets `bad_request` and the connection is closed.
/// - At most `limits.maximumConnections` connections are served at once; a client that
///   connects and sends nothing is dropped after `limits.idleTimeout`, so it never blocks
///   the others for longer than that.
/// - The socket file is chmod'ed to `mode` right after bind (the umask would otherwise
///   decide): 0666 by default, because unprivileged users may ask for their own status and
///   authorization is by peer credentials, not file permissions. A stale socket file at
///   `path` (nobody listening) is replaced; a live one is not (`socketInUse`). Closing the
///   listener removes the socket file (NIO does so for Unix sockets it bound).
///
/// Lifecycle: `start()` binds and returns once the socket accepts; `stop()` closes it,
/// ends the connections and removes the socket file. `run()` = `start()`, then serve until
/// the calling task is cancelled or `stop()` is called: it fits swift-service-lifecycle's
/// `Service.run()`; for graceful shutdown wrap it as
/// `try await withGracefulShutdownHandler { try await server.run() } onGracefulShutdown: { Task { await server.stop() } }`.
public final class ControlServer: Sendable {
    public let path: String
    public let mode: mode_t
    public let limits: ControlServerLimits
    private let handler: any ControlHandler
    private let eventLoopGroup: any EventLoopGroup
    private let state = Mutex<State>(.idle)
    private let counters = ControlServerCounters()

    /// What the server has counted so far (connections, requests, refusals).
    public var statistics: ControlServerStatistics { counters.snapshot }

    private enum State {
        case idle
        case starting
        case running(listener: any Channel, serving: Task<Void, Never>)
        case stopped
    }

    public init(
        path: String,
        mode: mode_t = 0o666,
        limits: ControlServerLimits = .init(),
        handler: any ControlHandler,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.path = path
        self.mode = mode
        self.limits = limits
        self.handler = handler
        self.eventLoopGroup = eventLoopGroup
    }

    /// Binds the socket, sets its mode, and starts serving in the background.
    /// - Throws: `ControlServerError` (socket in use by a live server, path occupied by
    ///   another kind of file, chmod failed), or NIO's bind error (missing directory, path
    ///   too long).
    public func start() async throws {
        try state.withLock { state throws(ControlServerError) in
            guard case .idle = state else { throw .alreadyStarted }
            state = .starting
        }
        let listener: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            listener = try await bind()
        } catch {
            state.withLock { state in
                if case .starting = state { state = .idle }
            }
            throw error
        }
        let started = state.withLock { state -> Bool in
            guard case .starting = state else { return false }  // stop() came first
            state = .running(listener: listener.channel, serving: Task { await self.serve(listener) })
            return true
        }
        if !started { try? await listener.channel.close() }
    }

    private func bind() async throws -> NIOAsyncChannel<AcceptedConnection, Never> {
        let limits = self.limits
        let counters = self.counters
        try SocketPathClaim.clear(path)
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: limits.backlog)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false) { channel in
                Self.initialize(channel, limits: limits, counters: counters)
            }
        guard chmod(path, mode) == 0 else {
            let error = ControlServerError.chmodFailed(path: path, errno: errno)
            try? await listener.channel.close()
            throw error
        }
        return listener
    }

    /// Starts, then serves until the calling task is cancelled or `stop()` is called.
    public func run() async throws {
        try await start()
        guard let serving = state.withLock({ state -> Task<Void, Never>? in
            if case .running(_, let serving) = state { return serving }
            return nil
        }) else { return }
        await withTaskCancellationHandler {
            await serving.value
        } onCancel: {
            serving.cancel()
        }
    }

    /// Stops accepting, closes every connection and removes the socket file. Idempotent.
    public func stop() async {
        let running = state.withLock { state -> (any Channel, Task<Void, Never>)? in
            defer { state = .stopped }
            if case .running(let listener, let serving) = state { return (listener, serving) }
            return nil
        }
        guard let (listener, serving) = running else { return }
        serving.cancel()
        try? await listener.close()
        await serving.value
    }

    /// Child pipeline: bounded line decoder, request deadline, async bridge; and the peer's
    /// credentials, read while the socket is surely still open (two getsockopt calls, no NSS
    /// lookup, so on the event loop). A connection without them is closed.
    private static func initialize(
        _ channel: any Channel, limits: ControlServerLimits, counters: ControlServerCounters
    ) -> EventLoopFuture<AcceptedConnection> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            guard let peer = try pipeline.withUnsafeTransportIfAvailable(of: NIOBSDSocket.Handle.self, {
                try PeerCredentials(socket: $0)
            }) else { throw PeerCredentialsError(option: "SO_PEERCRED", errno: ENOTSOCK) }
            try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: limits.maximumRequestBytes)))
            try pipeline.addHandler(RequestDeadlineHandler(timeout: limits.idleTimeAmount, counters: counters))
            return AcceptedConnection(channel: try NIOAsyncChannel(wrappingChannelSynchronously: channel), peer: peer)
        }.flatMapErrorThrowing { error in
            // NIO drops a child whose initializer failed without closing it.
            channel.close(promise: nil)
            throw error
        }
    }

    private func serve(_ listener: NIOAsyncChannel<AcceptedConnection, Never>) async {
        let maximumConnections = max(1, limits.maximumConnections)
        await withTaskGroup(of: Void.self) { group in
            // Unconsumed child tasks (running or finished); at the limit, wait for one to end.
            var outstanding = 0
            do {
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        if outstanding >= maximumConnections {
                            await group.next()
                            outstanding -= 1
                        }
                        outstanding += 1
                        counters.count { $0.connections += 1 }
                        group.addTask { await self.serve(connection) }
                    }
                }
            } catch {
                // The listener failed or was closed by stop(): stop serving.
            }
            group.cancelAll()
        }
    }

    private func serve(_ connection: AcceptedConnection) async {
        let peer = connection.peer
        try? await connection.channel.executeThenClose { inbound, outbound in
            do {
                for try await line in inbound {
                    let reply = await respond(to: line, from: peer)
                    try await outbound.write(Self.encode(reply))
                }
            } catch let error as LineTooLongError {
                counters.count {
                    $0.requests += 1
                    $0.badRequests += 1
                    $0.oversizeRequests += 1
                }
                try await outbound.write(Self.encode(.error(.badRequest, "request longer than \(error.limit) bytes")))
            }
        }
    }

    private func respond(to line: ByteBuffer, from peer: PeerCredentials) async -> ControlReply {
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: Data(line.readableBytesView))
            try request.validate()
        } catch {
            counters.count {
                $0.requests += 1
                $0.badRequests += 1
            }
            if let error = error as? ControlError { return .failure(error) }
            return .error(.badRequest, "not a control request: \(RequestDecodingProblem(error))")
        }
        counters.count { $0.requests += 1 }
        return await handler.handle(request, from: peer)
    }

    private static func encode(_ reply: ControlReply) -> ByteBuffer {
        do {
            return ByteBuffer(string: try ControlWire.encodeLine(reply) + "\n")
        } catch {
            let fallback = ControlReply.error(.internal, "reply could not be encoded: \(error)")
            return ByteBuffer(string: ((try? ControlWire.encodeLine(fallback)) ?? #"{"ok":false}"#) + "\n")
        }
    }
}
