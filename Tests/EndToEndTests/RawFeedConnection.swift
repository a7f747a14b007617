import Foundation

/// A feed socket producer at the byte level: plain blocking POSIX calls, so a test can send
/// bytes no well-behaved client would (NUL, invalid UTF-8, a megabyte without a newline),
/// stall half way, or be cut off by a daemon that is killed mid-exchange, and still tell
/// exactly which of those happened.
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

    private var descriptor: Int32

    /// Connects to the socket at `path`; nil when it cannot (daemon down, stale socket).
    init?(path: String, receiveTimeout: Double = 10) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            Glibc.close(fd)
            return nil
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            return nil
        }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - receiveTimeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        descriptor = fd
    }

    deinit { close() }

    /// Sends all of `bytes`; false when the connection broke first.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// Half-closes and reads the daemon's one-line reply (up to EOF or the receive timeout).
    func finish() -> Outcome {
        shutdown(descriptor, Int32(SHUT_WR))
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while reply.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            reply.append(contentsOf: chunk[0..<count])
            if reply.contains(UInt8(ascii: "\n")) { break }
        }
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

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

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
