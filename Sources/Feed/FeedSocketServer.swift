import Control
import Glibc
import NIOCore
import NIOPosix
import FeedParsing
import Scoring
import Synchronization

/// The socket feed: producers connect to a Unix stream socket, send lines, shut down
/// their write side, and get one JSON reply once their events are durable.
///
/// Each connection is served by its own task, so a stalled producer only holds its own
/// slot (until `idleTimeout`). Per connection, events are handed to `onBatch` in chunks
/// of at most `maxEventsPerBatch` as they arrive (reading pauses while `onBatch` runs:
/// back-pressure instead of buffering), the rest after the half-close, and only then is
/// the reply sent. If `onBatch` throws, the reply is an `apply_failed` refusal whose
/// `accepted` counts the events of the chunks handed over before (they stay applied) and
/// whose `message` says why. `onBatch` may refuse some events (`FeedEventRefusal`, e.g. a
/// timestamp too far in the future): they are reported to the producer as rejected lines.
public final class FeedSocketServer: Sendable {
    public let path: String
    private let parser: FeedLineParser
    private let limits: FeedSocketLimits
    private let onBatch: @Sendable ([ScoreEvent]) async throws -> [FeedEventRefusal]
    private let onRejections: @Sendable ([FeedRejectionReason: Int], [FeedLineRejection]) async -> Void
    private let running = Mutex<Running?>(nil)
    private let activeConnections = Atomic<Int>(0)

    private struct Running: Sendable {
        let serverChannel: any Channel
        let acceptLoop: Task<Void, Never>
        let socketFile: FeedSocketPath?
    }

    private typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    public init(
        path: String,
        parser: FeedLineParser,
        limits: FeedSocketLimits = .init(),
        onBatch: @escaping @Sendable ([ScoreEvent]) async throws -> [FeedEventRefusal],
        onRejections: @escaping @Sendable ([FeedRejectionReason: Int], [FeedLineRejection]) async -> Void = { _, _ in }
    ) {
        self.path = path
        self.parser = parser
        self.limits = limits
        self.onBatch = onBatch
        self.onRejections = onRejections
    }

    /// A server whose `onBatch` takes every event it is given.
    public convenience init(
        path: String,
        parser: FeedLineParser,
        limits: FeedSocketLimits = .init(),
        onBatch: @escaping @Sendable ([ScoreEvent]) async throws -> Void,
        onRejections: @escaping @Sendable ([FeedRejectionReason: Int], [FeedLineRejection]) async -> Void = { _, _ in }
    ) {
        self.init(
            path: path, parser: parser, limits: limits,
            onBatch: { events async throws -> [FeedEventRefusal] in
                try await onBatch(events)
                return []
            },
            onRejections: onRejections)
    }

    /// Connections being served now.
    public var connectionCount: Int {
        activeConnections.load(ordering: .relaxed)
    }

    /// Binds the socket (replacing a stale socket file; never a live socket, which throws
    /// `FeedSocketPathError.socketInUse`, nor another kind of file), sets its mode, and starts
    /// accepting in the background. Returns once it is listening.
    public func start() async throws {
        let idleTimeout = TimeAmount(limits.idleTimeout)
        try FeedSocketPath.clear(path)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(FeedIdleTimeoutHandler())
                    return try Connection(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        // The file is created with the umask's mode; set the intended one.
        guard chmod(path, mode_t(limits.socketMode)) == 0 else {
            let error = errno
            try? await server.channel.close()
            throw FeedFileError.system(call: "chmod", path: path, errno: error)
        }
        let socketFile = FeedSocketPath(boundAt: path)
        let task = Task { await self.accept(server) }
        running.withLock { $0 = Running(serverChannel: server.channel, acceptLoop: task, socketFile: socketFile) }
    }

    /// Stops accepting, ends open connections (without replies), waits for their tasks,
    /// and removes the socket file if it is still the one this server bound.
    public func stop() async {
        guard let current = running.withLock({ state -> Running? in defer { state = nil }; return state }) else { return }
        current.acceptLoop.cancel()
        try? await current.serverChannel.close()
        await current.acceptLoop.value
        current.socketFile?.removeIfUnchanged()
    }

    private func accept(_ server: NIOAsyncChannel<Connection, Never>) async {
        await withDiscardingTaskGroup { group in
            do {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        let admitted = activeConnections.add(1, ordering: .relaxed).newValue
                        if admitted > limits.maxConnections {
                            activeConnections.subtract(1, ordering: .relaxed)
                            group.addTask { await self.refuse(connection) }
                        } else {
                            group.addTask {
                                await self.serve(connection)
                                self.activeConnections.subtract(1, ordering: .relaxed)
                            }
                        }
                    }
                }
            } catch {
                // The server channel was closed (stop) or failed: stop accepting.
            }
            group.cancelAll()
        }
    }

    /// Serves one producer: lines in, batches out, one reply.
    private func serve(_ connection: Connection) async {
        var session = FeedSocketSession(parser: parser, maxReportedErrors: limits.maxReportedErrors)
        var applied = 0
        try? await connection.executeThenClose { inbound, outbound in
            do {
                do {
                    for try await buffer in inbound {
                        buffer.withUnsafeReadableBytes { session.consume($0) }
                        while session.pendingEvents.count >= limits.maxEventsPerBatch {
                            applied += try await handOver(limits.maxEventsPerBatch, of: &session)
                        }
                    }
                } catch is FeedIdleTimeoutHandler.IdleTimeout {
                    await record(session)
                    let line = FeedSocketRefusal.idleTimeout.jsonLine(after: session.refusalCounts(applied: applied))
                    try await outbound.write(ByteBuffer(string: line))
                    return
                }
                // Cancellation (stop) also ends the inbound stream: that is not the
                // producer's half-close, so nothing more is applied and no reply claims it.
                if Task.isCancelled { return }
                session.finish()
                while !session.pendingEvents.isEmpty {
                    applied += try await handOver(limits.maxEventsPerBatch, of: &session)
                }
                await record(session)
                try await outbound.write(ByteBuffer(string: session.reply.jsonLine))
            } catch let refusal as FeedSocketRefusal {
                await record(session)
                try await outbound.write(ByteBuffer(string: refusal.jsonLine(after: session.refusalCounts(applied: applied))))
            }
        }
    }

    /// Hands up to `limit` pending events to `onBatch` and records what it refused; its
    /// failure becomes the refusal sent to the producer. Returns how many events it applied.
    private func handOver(_ limit: Int, of session: inout FeedSocketSession) async throws -> Int {
        let (events, lines) = session.takeEvents(upTo: limit)
        let refusals: [FeedEventRefusal]
        do {
            refusals = try await onBatch(events)
        } catch {
            throw FeedSocketRefusal.applyFailed(error)
        }
        session.refuse(refusals, lines: lines)
        return events.count - refusals.count
    }

    /// Answers a connection over the limit, then waits for the producer to finish
    /// sending (bounded by the idle timeout) so it can read the answer: closing with
    /// unread data would reset the connection and lose the refusal.
    private func refuse(_ connection: Connection) async {
        try? await connection.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: FeedSocketRefusal.tooManyConnections.jsonLine))
            outbound.finish()
            var drained = 0
            for try await buffer in inbound {
                drained += buffer.readableBytes
                if drained > 1 << 20 { break }
            }
        }
    }

    /// Reports a finished connection's rejected lines (they never reach `onBatch`) before
    /// the producer is answered, so the daemon's counters already include them when the
    /// producer reads the reply.
    private func record(_ session: FeedSocketSession) async {
        if session.rejected > 0 { await onRejections(session.rejectedByReason, session.errors) }
    }
}
