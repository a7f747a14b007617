import CPacketGen
import Foundation

/// A packet counter of another network namespace, read without starting a process: the
/// proc file is opened by a thread inside the namespace (proc's net files show the opener's
/// namespace) and re-read from offset 0 on every `read()`, which regenerates it.
final class NamespaceCounter {
    enum Source {
        /// `rx_packets` of a device (`/proc/net/dev`). For a veth this is what its peer handed
        /// over, counted before the receiving stack looks at the packet.
        case receivedPackets(device: String)
        /// IP packets that reached `ip_rcv` / `ipv6_rcv` (`Ip InReceives`, `Ip6InReceives`).
        case ipInReceives(DataplaneFamily)

        var path: String {
            switch self {
            case .receivedPackets: "/proc/thread-self/net/dev"
            case .ipInReceives(.ipv4): "/proc/thread-self/net/snmp"
            case .ipInReceives(.ipv6): "/proc/thread-self/net/snmp6"
            }
        }
    }

    let source: Source
    private var fd: Int32

    init(namespace: String, _ source: Source) throws {
        self.source = source
        fd = tierd_open_in_netns("/var/run/netns/\(namespace)", source.path)
        guard fd >= 0 else { throw BenchFailure("open \(source.path) in \(namespace): \(String(cString: strerror(-fd)))") }
        _ = try read()
    }

    deinit { close(fd) }

    func read() throws -> UInt64 {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw BenchFailure("read \(source.path): \(String(cString: strerror(errno)))") }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        guard let value = Self.parse(text, source) else { throw BenchFailure("no counter for \(source) in \(source.path)") }
        return value
    }

    static func parse(_ text: String, _ source: Source) -> UInt64? {
        let lines = text.split(separator: "\n")
        switch source {
        case .receivedPackets(let device):
            // "  peer0: rx_bytes rx_packets ..."
            guard let line = lines.first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(device + ":") }),
                  let fields = line.split(separator: ":", maxSplits: 1).last?.split(separator: " "), fields.count > 1 else { return nil }
            return UInt64(fields[1])
        case .ipInReceives(.ipv4):
            // "Ip: Forwarding DefaultTTL InReceives ..." followed by "Ip: 2 64 12345 ...".
            let ip = lines.filter { $0.hasPrefix("Ip: ") }
            guard ip.count >= 2, let column = ip[0].split(separator: " ").firstIndex(of: "InReceives") else { return nil }
            let values = ip[1].split(separator: " ")
            return column < values.count ? UInt64(values[column]) : nil
        case .ipInReceives(.ipv6):
            // "Ip6InReceives <spaces> <tab> 12345"
            guard let line = lines.first(where: { $0.split(whereSeparator: \.isWhitespace).first == "Ip6InReceives" }) else { return nil }
            return line.split(whereSeparator: \.isWhitespace).last.flatMap { UInt64($0) }
        }
    }
}
