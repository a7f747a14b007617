#if canImport(Glibc)
import Glibc
#endif
import Control
import Foundation

/// A feed socket stand-in: accepts one connection, reads lines until the client shuts down
/// its write side, then replies as tierd does. Lines whose score is negative are rejected;
/// with `refusal`, it answers with that line instead (as tierd does when it cannot make the
/// events durable). Runs on its own thread with blocking calls, independently of the code
/// under test.
final class FakeFeedServer: @unchecked Sendable {
    let path: String
    let refusal: String?
    private let listener: Int32
    private let received = NSLock()
    private var lines: [String] = []

    init(path: String, refusal: String? = nil) throws {
        self.path = path
        self.refusal = refusal
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        Thread.detachNewThread { [self] in serveOne() }
    }

    var receivedLines: [String] { received.withLock { lines } }

    private func serveOne() {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection); close(listener) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { break }
            data += chunk.prefix(count)
        }
        let got = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        received.withLock { lines = got }
        var errors: [FeedPushReply.LineError] = []
        for (index, line) in got.enumerated() where line.contains("\"score\":-") {
            errors.append(.init(line: index + 1, reason: "score must not be negative"))
        }
        let reply = FeedPushReply(accepted: got.count - errors.count, rejected: errors.count, errors: errors)
        let text = Array((refusal ?? (try? ControlWire.encodeLine(reply)) ?? "").utf8) + [UInt8(ascii: "\n")]
        _ = text.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
