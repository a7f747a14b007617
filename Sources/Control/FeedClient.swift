/// Sends feed events over tierd's feed socket, as `tierctl push` does: the event lines,
/// then a shutdown of the write side, after which the daemon answers with one summary line
/// once the accepted events are durable.
public struct FeedClient: Sendable {
    public static let defaultSocketPath = "/run/tierd/feed.sock"

    public var socketPath: String
    public var timeout: Duration

    public init(socketPath: String = FeedClient.defaultSocketPath, timeout: Duration = .seconds(30)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// Sends `events` (one JSON line each) and returns the daemon's summary with its raw line.
    public func push(_ events: [FeedPushEvent]) async throws(ControlClientError) -> FeedPushResponse {
        let lines: String
        do {
            lines = try events.map(ControlWire.encodeLine).joined(separator: "\n")
        } catch {
            throw .invalidReply(path: socketPath, reason: "event could not be encoded: \(error)")
        }
        let line = try await UnixLineExchange.exchange(
            path: socketPath, line: lines, shutdownWriteSide: true,
            timeout: timeout, maximumReplyBytes: 16 << 20)
        do {
            return FeedPushResponse(reply: try ControlWire.decode(FeedPushReply.self, from: line), line: line)
        } catch {
            throw .invalidReply(path: socketPath, reason: "\(RequestDecodingProblem(error))")
        }
    }
}
