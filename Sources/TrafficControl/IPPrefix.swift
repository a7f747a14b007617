#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address or prefix, as written in the users file.
///
/// STAND-IN written in the config worktree so TierDaemon/Config compiles; the
/// integrator replaces this file with TrafficControl's real type (same public API).
/// Parsing goes through `inet_pton` so the C library, not hand-written code, decides
/// what an address is.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Network-order address bytes: 4 for IPv4, 16 for IPv6.
    private let bytes: [UInt8]
    public let length: Int

    /// Accepts "10.0.0.11", "10.0.0.0/30", "2001:db8::11", "2001:db8:1::/64".
    /// Host bits beyond the prefix length must be zero, otherwise nil.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = String(parts[0])
        let v6 = address.contains(":")
        var parsed = [UInt8](repeating: 0, count: v6 ? 16 : 4)
        let ok = parsed.withUnsafeMutableBytes { buffer in
            inet_pton(v6 ? AF_INET6 : AF_INET, address, buffer.baseAddress)
        }
        guard ok == 1 else { return nil }
        let maxLength = v6 ? 128 : 32
        var length = maxLength
        if parts.count == 2 {
            let lengthText = parts[1]
            guard !lengthText.isEmpty, lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  lengthText.count <= 3, let value = Int(lengthText), value <= maxLength
            else { return nil }
            length = value
        }
        for index in parsed.indices {
            let bitsBefore = index * 8
            let keep = max(0, min(8, length - bitsBefore))
            let mask: UInt8 = keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
            if parsed[index] & ~mask != 0 { return nil }
        }
        self.bytes = parsed
        self.length = length
    }

    public var isIPv6: Bool { bytes.count == 16 }

    /// Canonical text from `inet_ntop`; "/length" only when it is not a single host.
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        bytes.withUnsafeBytes { buffer in
            _ = inet_ntop(isIPv6 ? AF_INET6 : AF_INET, buffer.baseAddress, &text, socklen_t(text.count))
        }
        let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return length == (isIPv6 ? 128 : 32) ? address : "\(address)/\(length)"
    }

    /// IPv4 before IPv6, then by address, then shorter prefixes first.
    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        if lhs.bytes != rhs.bytes { return lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
        return lhs.length < rhs.length
    }
}
