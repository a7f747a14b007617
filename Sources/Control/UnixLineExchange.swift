import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One request/reply exchange over a Unix stream socket: connect, write one line,
/// optionally shut down the write side (the feed socket replies only then), read one line
/// (also when the write failed: a refusing daemon's reply may already be there).
/// The whole exchange, including retries while the daemon's backlog is full, is bounded
/// by `timeout`.
enum UnixLineExchange {
    static func exchange(
        path: String, line: String, shutdownWriteSide: Bool,
        timeout: Duration, maximumReplyBytes: Int
    ) async throws(ControlClientError) -> String {
        do {
            return try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    // A full listen backlog makes a non-blocking connect fail with EAGAIN: the
                    // daemon is busy, not gone, so try again until the timeout.
                    var pause = Duration.milliseconds(5)
                    while true {
                        do {
                            return try await exchangeOnce(path: path, line: line, shutdownWriteSide: shutdownWriteSide,
                                                          maximumReplyBytes: maximumReplyBytes)
                        } catch let error as IOError where error.errnoCode == EAGAIN {
                            try await Task.sleep(for: pause)
                            pause = min(pause * 2, .milliseconds(100))
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw ControlClientError.timedOut(path: path, after: timeout)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as ControlClientError {
            throw error
        } catch let error as IOError {
            throw .unreachable(path: path, errno: error.errnoCode, reason: "\(error)")
        } catch {
            throw .unreachable(path: path, errno: nil, reason: "\(error)")
        }
    }

    private static func exchangeOnce(
        path: String, line: String, shutdownWriteSide: Bool, maximumReplyBytes: Int
    ) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumReplyBytes)))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: shutdownWriteSide))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            // A daemon that refuses the connection (`busy`) answers and closes at once, maybe
            // before the request is written: then the write fails but the answer is waiting.
            var writeError: (any Error)?
            do {
                try await outbound.write(ByteBuffer(string: line + "\n"))
                if shutdownWriteSide { outbound.finish() }
            } catch {
                writeError = error
            }
            var replies = inbound.makeAsyncIterator()
            do {
                guard let reply = try await replies.next() else {
                    throw writeError ?? ControlClientError.closedWithoutReply(path: path)
                }
                return String(buffer: reply)
            } catch is LineTooLongError {
                throw ControlClientError.invalidReply(path: path, reason: "reply longer than \(maximumReplyBytes) bytes")
            } catch {
                throw writeError ?? error
            }
        }
    }
}
