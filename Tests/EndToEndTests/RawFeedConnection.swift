import Foundation
import TestSupport

/// A feed socket producer at the byte level (`RawUnixSocket`), so a test can send bytes no
/// well-behaved client would (NUL, invalid UTF-8, a megabyte without a newline), stall half
/// way, or be cut off by a daemon that is killed mid-exchange, and still tell exactly which
/// of those happened from the feed protocol's reply.
final class RawFeedConnection {
    /// How one exchange ended, from the producer's side.
    enum Outcome: Equatable, Sendable {
        /// The daemon answered: its events are durable.
        case replied(accepted: Int, rejected: Int, line: String)
        /// The connection could not be made: nothing was sent, so nothing can have applied.
        case notConnected
        /// Connected, but no complete reply came (daemon died, reset): may or may not apply.
        case unacknowledged
    }

    private let socket: RawUnixSocket

    /// Connects to the socket at `path`; nil when it cannot (daemon down, stale socket).
    init?(path: String, receiveTimeout: Double = 10) {
        guard let socket = try? RawUnixSocket(connectingTo: path, timeout: .milliseconds(Int(receiveTimeout * 1000))) else {
            return nil
        }
        self.socket = socket
    }

    /// Sends all of `bytes`; false when the connection broke first.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool { socket.send(bytes) }

    /// Half-closes and reads the daemon's one-line reply (up to EOF or the receive timeout).
    func finish() -> Outcome {
        socket.shutdownWrite()
        let reply = socket.readLine()
        guard let newline = reply.firstIndex(of: UInt8(ascii: "\n")) else { return .unacknowledged }
        let line = String(decoding: reply[..<newline], as: UTF8.self)
        // A refusal (`"error"` set) carries counts too, but did not acknowledge what was sent:
        // the tests count it with the unacknowledged pushes, as before refusals had counts.
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["error"] == nil,
            let accepted = object["accepted"] as? Int, let rejected = object["rejected"] as? Int
        else { return .unacknowledged }
        return .replied(accepted: accepted, rejected: rejected, line: line)
    }

    func close() { socket.close() }

    /// One whole exchange: connect, send, half-close, read the reply.
    static func push(_ bytes: [UInt8], to path: String, receiveTimeout: Double = 10) -> Outcome {
        guard let connection = RawFeedConnection(path: path, receiveTimeout: receiveTimeout) else { return .notConnected }
        connection.send(bytes)
        return connection.finish()
    }

    /// `push` of text lines, each terminated by a newline.
    static func push(lines: [String], to path: String, receiveTimeout: Double = 10) -> Outcome {
        push(Array(lines.map { $0 + "\n" }.joined().utf8), to: path, receiveTimeout: receiveTimeout)
    }
}
