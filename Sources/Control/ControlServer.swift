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
/// - Admission (`ControlServerLimits`): `isAdmin` sorts each new connection into the admin
///   pool or the non-admin pool; a non-admin uid may hold `maximumConnectionsPerUser`
///   connections, all non-admins together `maximumConnections`, admins
///   `maximumAdminConnections` of their own. A connection over its limit is answered one
///   `busy` error line and closed right away, so a flood from one account costs the daemon
///   little and never delays root.
/// - Requests are validated first (`ControlRequest.validate()`); malformed ones get
///   `bad_request` without reaching the handler. A line over `limits.maximumRequestBytes`
///   (`maximumAdminRequestBytes` from an admin peer) gets `bad_request` and the connection is closed.
/// - A client that connects and does not send a complete request within
///   `limits.requestTimeout` (or within `limits.idleTimeout` after a reply) is dropped.
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
    private let isAdmin: @Sendable (PeerCredentials) -> Bool
    private let eventLoopGroup: any EventLoopGroup
    private let state = Mutex<State>(.idle)
    private let counters = ControlServerCounters()
    private let admission: ConnectionAdmission

    /// What the server has counted so far (connections, requests, refusals).
    public var statistics: ControlServerStatistics { counters.snapshot }

    private enum State {
        case idle
        case starting
        case running(listener: any Channel, serving: Task<Void, Never>)
        case stopped
    }

    /// - Parameter isAdmin: whether a peer belongs in the admin pool (the daemon passes its
    ///   `ControlAuthorizer`'s answer). Called on an event loop for every accepted
    ///   connection: it must be quick and must not block (no NSS lookups). The default
    ///   counts root only.
    public init(
        path: String,
        mode: mode_t = 0o666,
        limits: ControlServerLimits = .init(),
        handler: any ControlHandler,
        isAdmin: @escaping @Sendable (PeerCredentials) -> Bool = { $0.uid == 0 },
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.path = path
        self.mode = mode
        self.limits = limits
        self.handler = handler
        self.isAdmin = isAdmin
        self.eventLoopGroup = eventLoopGroup
        admission = ConnectionAdmission(limits: limits)
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
        let accept = ConnectionAcceptor(limits: limits, counters: counters, admission: admission, isAdmin: isAdmin)
        try SocketPathClaim.clear(path)
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: limits.backlog)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false) { channel in
                accept.initialize(channel)
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

    private func serve(_ listener: NIOAsyncChannel<AcceptedConnection, Never>) async {
        // No waiting for slots here: admission already happened on accept, so this loop
        // only starts a task per admitted connection and skips the refused ones.
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        guard case .admitted(let channel, let peer) = connection else { continue }
                        group.addTask { await self.serve(channel, as: peer) }
                    }
                }
            } catch {
                // The listener failed or was closed by stop(): stop serving.
            }
            group.cancelAll()
        }
    }

    private func serve(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, as peer: PeerCredentials) async {
        try? await channel.executeThenClose { inbound, outbound in
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

    /// One reply line, ready to write (also the `busy` line of a refused connection).
    static func encode(_ reply: ControlReply) -> ByteBuffer {
        do {
            return ByteBuffer(string: try ControlWire.encodeLine(reply) + "\n")
        } catch {
            let fallback = ControlReply.error(.internal, "reply could not be encoded: \(error)")
            return ByteBuffer(string: ((try? ControlWire.encodeLine(fallback)) ?? #"{"ok":false}"#) + "\n")
        }
    }
}
