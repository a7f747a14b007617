import Foundation
import Glibc
import Testing
import TestSupport

/// The control socket under load from many clients at once, with a client that connects
/// and never sends and one that stops in the middle of its request: the daemon must answer
/// every well-behaved client promptly and correctly without waiting on the stalled ones,
/// drop those once its request timeout (2 s) has passed, keep a client that was answered
/// and is merely idle, and tierctl must say clearly when the daemon is gone.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct ControlConcurrencyEndToEndTests {
    static let clients = 100

    @Test func hundredConcurrentClientsAreAnsweredWhileTwoStall() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        let socket = daemon.ctl

        #expect(try tierctl(socket + ["override", "bob", "minimal"]).status == 0)

        // The hung client: connected first, so it holds a slot until the request timeout.
        let hung = try LineSocket(path: daemon.controlSocket)
        defer { hung.close() }
        // And one that stalls mid-request: the daemon must not wait for its newline.
        let halfSent = try LineSocket(path: daemon.controlSocket)
        defer { halfSent.close() }
        try halfSent.send(#"{"cmd":"stat"#)
        // And one that has been answered and then stays silent (within the idle timeout).
        let answered = try LineSocket(path: daemon.controlSocket)
        defer { answered.close() }
        try answered.send(#"{"cmd":"status","user":"alice"}"# + "\n")
        #expect(try answered.readOneLine(timeout: 5)?.contains(#""user":"alice""#) == true)

        // All connections open at once, then every request sent, then every reply read.
        let requests = (0..<Self.clients).map(Self.request)
        let sockets = try requests.map { _ in try LineSocket(path: daemon.controlSocket) }
        defer { sockets.forEach { $0.close() } }
        let started = Date()
        for (socket, request) in zip(sockets, requests) { try socket.send(request.line + "\n") }
        let replies = try LineSocket.readOneLineEach(sockets, timeout: 10)
        let elapsed = Date().timeIntervalSince(started)

        #expect(replies.count == Self.clients)
        for (index, (request, reply)) in zip(requests, replies).enumerated() {
            #expect(request.isAnswered(by: reply), "client \(index) sent \(request.line), got \(reply ?? "nothing")")
        }
        // Functional bound: nobody waited on the stalled clients (nor on their timeout).
        #expect(elapsed < 5, "100 replies took \(elapsed) s")

        // The clients that never completed a request lose their slots (slowloris); the one
        // that was answered is only idle, keeps its connection and is served again.
        #expect(eventually(timeout: 10) { hung.peerHasClosed() && halfSent.peerHasClosed() },
                "the daemon kept clients that never completed a request")
        #expect(!answered.peerHasClosed(), "the daemon dropped an idle client before its idle timeout")
        try answered.send(#"{"cmd":"status","user":"bob"}"# + "\n")
        let late = try answered.readOneLine(timeout: 5)
        #expect(late?.contains(#""tier":"minimal""#) == true, "\(late ?? "nothing")")
        #expect(try tierctl(socket + ["health"]).status == 0, "log: \(daemon.log)")
    }

    @Test func tierctlExits69WithAClearMessageWhenTheDaemonIsGone() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        let socket = daemon.ctl

        #expect(daemon.stop() == 0, "log: \(daemon.log)")

        // Whether the daemon removed its socket or left it behind (ECONNREFUSED after a
        // crash), every command says which socket failed and hints at the daemon.
        if !FileManager.default.fileExists(atPath: daemon.controlSocket) {
            try LineSocket.leaveStaleSocketFile(at: daemon.controlSocket)
        }
        for arguments in [["status"], ["status", "alice", "--json"], ["explain", "alice"], ["health"], ["metrics"], ["reload"], ["clear", "bob"]] {
            let result = try tierctl(socket + arguments)
            #expect(result.status == 69, "\(arguments): \(result.output)")
            #expect(result.output.contains(daemon.controlSocket) && result.output.contains("is tierd running?"), "\(arguments): \(result.output)")
        }
        let missing = try tierctl(["--socket", daemon.dir.path + "/absent.sock", "status"])
        #expect(missing.status == 69)
        #expect(missing.output.contains("No such file or directory"), "\(missing.output)")
    }

    /// One of a few kinds of request, chosen by index, with what a correct reply holds.
    struct Request {
        let line: String
        let expected: [String]

        func isAnswered(by reply: String?) -> Bool {
            guard let reply, let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any],
                object["ok"] as? Bool == true
            else { return false }
            return expected.allSatisfy(reply.contains)
        }
    }

    static func request(_ index: Int) -> Request {
        switch index % 5 {
        case 0: Request(line: #"{"cmd":"status","user":"bob"}"#, expected: [#""user":"bob""#, #""tier":"minimal""#])
        case 1: Request(line: #"{"cmd":"status","user":"alice"}"#, expected: [#""user":"alice""#, #""tier":"full""#])
        case 2: Request(line: #"{"cmd":"explain","user":"bob"}"#, expected: [#""explanation""#, "override"])
        case 3: Request(line: #"{"cmd":"health"}"#, expected: [#""health""#])
        default: Request(line: #"{"cmd":"status"}"#, expected: [#""users""#, #""alice""#, #""bob""#, #""carol""#])
        }
    }
}

/// A blocking client end of a Unix stream socket that reads replies line by line; plain
/// POSIX so that a hundred of them can be open at once without a thread each.
final class LineSocket {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var isClosed = false

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let status = Self.withAddress(path) { connect(fd, $0, $1) }
        guard status == 0 else {
            let code = errno
            Glibc.close(fd)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
    }

    /// Creates a socket file with nobody listening on it, as a killed daemon leaves behind
    /// (bind, then close: the file stays, connect() gets ECONNREFUSED).
    static func leaveStaleSocketFile(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { Glibc.close(fd) }
        guard withAddress(path, { bind(fd, $0, $1) }) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            bytes = bytes.dropFirst(written)
        }
    }

    /// True when the other end has closed (EOF or error is readable right now).
    func peerHasClosed() -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    /// Closes once; later calls do nothing (the descriptor number may already be reused).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(fd)
    }

    /// Reads one line from this socket and leaves it open; nil if none came within `timeout`.
    func readOneLine(timeout: Double) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                defer { buffer.removeSubrange(...newline) }
                return String(decoding: buffer[..<newline], as: UTF8.self)
            }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 100) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
        return nil
    }

    /// Reads one line from each socket, all at once through poll(2), closing each as soon as
    /// its line is in (the daemon then frees that connection's slot for the next client).
    /// A socket that gave no line within `timeout` seconds has nil.
    static func readOneLineEach(_ sockets: [LineSocket], timeout: Double) throws -> [String?] {
        var lines = [String?](repeating: nil, count: sockets.count)
        var pending = Set(sockets.indices)
        let deadline = Date().addingTimeInterval(timeout)
        while !pending.isEmpty, Date() < deadline {
            let order = Array(pending)
            var entries = order.map { pollfd(fd: sockets[$0].fd, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&entries, nfds_t(entries.count), 100)
            guard ready >= 0 else {
                if errno == EINTR { continue }
                throw POSIXError(.init(rawValue: errno) ?? .EIO)
            }
            for (slot, index) in order.enumerated() where entries[slot].revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let count = recv(sockets[index].fd, &chunk, chunk.count, 0)
                if count <= 0 {
                    sockets[index].close()
                    pending.remove(index)
                    continue
                }
                sockets[index].buffer += chunk[..<count]
                if let newline = sockets[index].buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    lines[index] = String(decoding: sockets[index].buffer[..<newline], as: UTF8.self)
                    sockets[index].buffer.removeSubrange(...newline)
                    sockets[index].close()
                    pending.remove(index)
                }
            }
        }
        return lines
    }
}
