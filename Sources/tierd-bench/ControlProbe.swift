import Foundation

/// Asks a running tierd for its `health` over the control socket, the way an operator's
/// probe (`tierctl health --json`) does, without starting a process per poll: the benchmark
/// polls every few milliseconds and a `tierctl` per poll would compete with the daemon for CPU.
enum ControlProbe {
    /// What the benchmark waits for in a `{"ok":true,"health":{...}}` reply.
    struct Health {
        var kernelInSync: Bool
        var throttled: Int
        var users: Int
    }

    /// One request; nil while the socket does not exist or does not answer (daemon starting).
    static func health(socketPath: String) -> Health? {
        guard let reply = exchange(socketPath: socketPath, line: #"{"cmd":"health"}"#),
              let object = try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any],
              let health = object["health"] as? [String: Any] else { return nil }
        return Health(
            kernelInSync: health["kernel_in_sync"] as? Bool ?? false,
            throttled: (health["throttled"] as? NSNumber)?.intValue ?? 0,
            users: (health["users"] as? NSNumber)?.intValue ?? 0)
    }

    /// One request line, one reply line (its bytes, without the newline); nil when the socket
    /// does not answer within 30 s.
    static func exchange(socketPath: String, line: String) -> [UInt8]? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard socketPath.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return nil }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array(line.utf8) + [UInt8(ascii: "\n")]
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return nil }
            sent += count
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while reply.last != UInt8(ascii: "\n") {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            reply += buffer[0..<count]
        }
        return Array(reply.dropLast())
    }
}
