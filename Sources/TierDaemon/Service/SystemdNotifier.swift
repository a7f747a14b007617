#if canImport(Glibc)
import Glibc
#endif

/// Sends sd_notify datagrams to `$NOTIFY_SOCKET`.
///
/// Written by hand because the protocol is one datagram of `KEY=VALUE` lines and linking
/// libsystemd for that would add a runtime dependency the daemon otherwise does not need.
/// When the daemon is not run by systemd (`NOTIFY_SOCKET` unset) every call is a no-op.
public struct SystemdNotifier: Sendable {
    /// The socket address as given by systemd; `@` marks an abstract socket.
    public let socketPath: String?

    public init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"]
        socketPath = (path?.isEmpty ?? true) ? nil : path
    }

    public var isActive: Bool { socketPath != nil }

    /// `WATCHDOG_USEC` turned into the interval at which `WATCHDOG=1` must be sent
    /// (half the timeout, as sd_watchdog_enabled(3) recommends).
    public static func watchdogInterval(environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pidText = environment["WATCHDOG_PID"], let pid = Int32(pidText), pid != getpid() { return nil }
        return .microseconds(Int64(usec / 2))
    }

    public func ready(status: String? = nil) { send(["READY=1"] + statusLine(status)) }
    public func reloading() { send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"]) }
    public func stopping() { send(["STOPPING=1"]) }
    public func watchdog() { send(["WATCHDOG=1"]) }
    public func status(_ text: String) { send(statusLine(text)) }

    private func statusLine(_ text: String?) -> [String] {
        guard let text else { return [] }
        return ["STATUS=" + text.replacingNewlines()]
    }

    /// CLOCK_MONOTONIC in microseconds, as systemd expects with RELOADING=1.
    public static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }

    /// Sends one datagram; failures are ignored on purpose: a missing notify socket must
    /// never stop the daemon from shaping.
    public func send(_ lines: [String]) {
        guard let socketPath, !lines.isEmpty else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let payload = Array(lines.joined(separator: "\n").utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                payload.withUnsafeBytes { bytes in
                    sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), sa, length)
                }
            }
        }
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(self.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
