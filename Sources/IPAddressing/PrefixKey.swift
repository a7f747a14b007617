#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An address prefix as raw bits, so the users-file loader and the LibreQoS importer can
/// test containment and collisions by the same rules.
///
/// WHY: `IPPrefix`'s public API exposes only its text, family and length, so the bits
/// are recovered from its canonical `description` with `inet_pton`. Masking a key to a
/// shorter length and looking that up in a dictionary finds every enclosing prefix in
/// O(number of distinct lengths) instead of comparing all pairs.
public struct PrefixKey: Hashable, Sendable {
    public let isIPv6: Bool
    public let bytes: [UInt8]
    public let length: Int

    public init?(_ prefix: IPPrefix) {
        let address = prefix.description.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        var bytes = [UInt8](repeating: 0, count: prefix.isIPv6 ? 16 : 4)
        let status = bytes.withUnsafeMutableBytes { buffer in
            inet_pton(prefix.isIPv6 ? AF_INET6 : AF_INET, address, buffer.baseAddress)
        }
        guard status == 1 else { return nil }
        self.init(isIPv6: prefix.isIPv6, bytes: bytes, length: prefix.length)
    }

    private init(isIPv6: Bool, bytes: [UInt8], length: Int) {
        self.isIPv6 = isIPv6
        self.length = length
        self.bytes = bytes.enumerated().map { index, byte in
            let keep = max(0, min(8, length - index * 8))
            return keep == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }

    /// For an IPv4-mapped IPv6 prefix (`::ffff:a.b.c.d`, length 96 or more), the IPv4
    /// prefix it stands for; nil for any other prefix. The loader files a mapped address
    /// under this key, so it collides with the same IPv4 address of another user.
    public var ipv4Equivalent: PrefixKey? {
        guard isIPv6, length >= 96, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else {
            return nil
        }
        return PrefixKey(isIPv6: false, bytes: Array(bytes[12..<16]), length: length - 96)
    }

    /// The prefix as an operator writes it: the address, and `/length` unless it is a host.
    public var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let address = bytes.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { out in
                inet_ntop(isIPv6 ? AF_INET6 : AF_INET, raw.baseAddress, out.baseAddress, socklen_t(out.count)) != nil
                    ? String(cString: out.baseAddress!) : "?"
            }
        }
        return length == bytes.count * 8 ? address : "\(address)/\(length)"
    }

    /// Covers every address of its family (`0.0.0.0/0`, `::/0`).
    public var coversEverything: Bool { length == 0 }

    /// The enclosing prefix of `length` bits (which must not exceed this one's).
    public func truncated(to length: Int) -> PrefixKey {
        PrefixKey(isIPv6: isIPv6, bytes: bytes, length: length)
    }
}
