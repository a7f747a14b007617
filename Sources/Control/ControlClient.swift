/// Talks to tierd's control socket: one request, one reply per call.
///
/// Each call opens its own connection, so a client never depends on state left by an earlier
/// call, and a daemon restart between calls is harmless.
public struct ControlClient: Sendable {
    public static let defaultSocketPath = "/run/tierd/control.sock"

    public var socketPath: String
    public var timeout: Duration
    /// Replies can be large (status of every user); this only guards against a runaway peer.
    public var maximumReplyBytes: Int

    public init(socketPath: String = ControlClient.defaultSocketPath, timeout: Duration = .seconds(10),
                maximumReplyBytes: Int = 256 << 20) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.maximumReplyBytes = maximumReplyBytes
    }

    /// Sends `request` and returns the decoded reply with the raw reply line (for `--json`).
    /// An error reply from the daemon is a successful exchange: it is in `reply`.
    public func send(_ request: ControlRequest) async throws(ControlClientError) -> ControlResponse {
        let requestLine: String
        do {
            requestLine = try ControlWire.encodeLine(request)
        } catch {
            throw .invalidReply(path: socketPath, reason: "request could not be encoded: \(error)")
        }
        let line = try await UnixLineExchange.exchange(
            path: socketPath, line: requestLine, shutdownWriteSide: false,
            timeout: timeout, maximumReplyBytes: maximumReplyBytes)
        do {
            return ControlResponse(reply: try ControlWire.decode(ControlReply.self, from: line), line: line)
        } catch {
            throw .invalidReply(path: socketPath, reason: "\(RequestDecodingProblem(error))")
        }
    }
}
