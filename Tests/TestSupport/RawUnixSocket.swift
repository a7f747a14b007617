import Foundation
import Glibc

/// A plain blocking Unix stream socket for tests that must misbehave in ways a real client
/// would not: connect and never send, trickle bytes, send an endless line or bytes that are
/// not text, half-close, stall half way, or be cut off by a server that dies mid-exchange.
/// Plain POSIX calls, so the test can tell exactly which of those happened.
public final class RawUnixSocket: @unchecked Sendable {
    // The descriptor is used by one caller at a time; `close()` is the only mutation.
    public private(set) var fd: Int32

    /// Connects to the socket at `path`. With `timeout`, blocking sends and receives give up
    /// after that long (SO_SNDTIMEO, SO_RCVTIMEO); without it they wait indefinitely.
    /// - Throws: `POSIXError` with connect's errno (ENOENT, ECONNREFUSED, ...), or
    ///   ENAMETOOLONG when `path` does not fit `sun_path`.
    public init(connectingTo path: String, timeout: Duration? = nil) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        if let timeout {
            let micros = timeout.components.attoseconds / 1_000_000_000_000
            var value = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(micros))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            // close() marks the descriptor gone: deinit runs even for a throwing init, and a
            // second close could hit a descriptor number another thread has reused by then.
            close()
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
    }

    deinit { close() }

    /// Writes all of `bytes`; false when the connection broke first (EPIPE, ECONNRESET, or
    /// the send timeout).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// `send` of the UTF-8 bytes of `text`.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Shuts down the write side: the server sees end of input, the socket stays readable.
    public func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Closes once; later calls do nothing (the descriptor number may already be reused).
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Reads until EOF or `timeout`; returns what arrived and whether EOF (or a reset) was
    /// seen. The blocking reads run on a thread of their own: blocking one of the (two,
    /// here) cooperative threads would starve the server under test.
    public func readToEnd(timeout: Duration) async -> (data: [UInt8], eof: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: blockingReadToEnd(timeout: timeout)) }
        }
    }

    /// Everything the server sends until it closes (or stays silent for 10 s), as text.
    public func readAll() async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&poller, 1, 10_000)
                    if ready < 0 && errno == EINTR { continue }
                    guard ready > 0 else { break }
                    let count = recv(fd, &chunk, chunk.count, 0)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    received += chunk[0..<count]
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }
        }
    }

    /// The next line the server sends (without its newline), leaving the connection open;
    /// nil at EOF or after `timeout`. Reads on a thread of its own, like `readToEnd`.
    public func readLine(timeout: Duration) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let millis = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
                guard poll(&poller, 1, max(1, millis)) > 0 else { return continuation.resume(returning: nil) }
                let line = readLine()
                guard let newline = line.firstIndex(of: UInt8(ascii: "\n")) else { return continuation.resume(returning: nil) }
                continuation.resume(returning: String(decoding: line[..<newline], as: UTF8.self))
            }
        }
    }

    /// Reads, blocking (up to the receive timeout of `init`), until a newline, EOF or
    /// `limit` bytes; returns everything read. For synchronous tests only: in an async one,
    /// blocking a cooperative thread starves the server under test (use `readLine(timeout:)`).
    public func readLine(limit: Int = 1 << 20) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < limit {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            received += chunk[0..<count]
            if chunk[0..<count].contains(UInt8(ascii: "\n")) { break }
        }
        return received
    }

    private func blockingReadToEnd(timeout: Duration) -> (data: [UInt8], eof: Bool) {
        var data: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let remaining = deadline - ContinuousClock.now
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let millis = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, max(1, millis)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return (data, true) }
            data += chunk.prefix(count)
        }
        return (data, false)
    }
}
