import Control
import Feed
import NIOCore
import NIOPosix
import FeedParsing
import Scoring

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sends lines to the feed socket and waits for the reply: the feed socket server tests' client
/// (`tierctl push` uses Control's `FeedClient`), kept with the tests that use it.
enum FeedSocketClient {
    /// The reply is never longer than this (100 itemized errors are ~5 KiB).
    static let maxReplyBytes = 1 << 20

    /// Sends `lines` (each one line; a string containing newlines becomes several),
    /// half-closes, and returns the daemon's reply once the events are durable.
    /// Throws `FeedSocketRefusal` when the daemon refuses (connection limit, idle timeout,
    /// apply failure) and `FeedPushError` when the socket cannot be reached or the reply is
    /// missing or unreadable.
    public static func push(lines: [String], to path: String) async throws -> FeedPushReply {
        let connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                    }
                }
        } catch let error as IOError {
            throw FeedPushError.cannotConnect(path: path, errno: error.errnoCode)
        }
        let received = try await connection.executeThenClose { inbound, outbound in
            var payload = ByteBuffer()
            for line in lines {
                payload.writeString(line)
                payload.writeInteger(UInt8(ascii: "\n"))
            }
            // A refusing server may close before reading everything: still read its answer.
            var sendError: (any Error)?
            do {
                try await outbound.write(payload)
                outbound.finish()
            } catch {
                sendError = error
            }
            var reply = ByteBuffer()
            do {
                for try await chunk in inbound {
                    reply.writeImmutableBuffer(chunk)
                    guard reply.readableBytes <= maxReplyBytes else { throw FeedPushError.malformedReply }
                }
            } catch {
                if reply.readableBytes == 0 { throw sendError ?? error }
            }
            if reply.readableBytes == 0, let sendError { throw sendError }
            return reply
        }
        return try decode(received)
    }

    /// Sends `events` as JSON lines (see `FeedLineEncoder`); otherwise like `push(lines:to:)`.
    public static func push(events: [ScoreEvent], to path: String) async throws -> FeedPushReply {
        try await push(lines: events.map(FeedLineEncoder.jsonLine(for:)), to: path)
    }

    /// Decodes the first line of what the server sent.
    static func decode(_ buffer: ByteBuffer) throws -> FeedPushReply {
        let bytes = buffer.readableBytesView
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { throw FeedPushError.noReply }
        let line = Data(bytes[..<newline])
        let decoder = JSONDecoder()
        if let refusal = try? decoder.decode(FeedSocketRefusal.self, from: line) { throw refusal }
        do {
            return try decoder.decode(FeedPushReply.self, from: line)
        } catch {
            throw FeedPushError.malformedReply
        }
    }
}
