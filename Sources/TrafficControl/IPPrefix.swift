import Glibc

/// An IPv4 or IPv6 address or prefix as written in the users file.
///
/// Parsing is strict because every prefix becomes a u32 match in the kernel: a prefix with
/// host bits set ("10.0.0.1/24") would match something other than what the operator wrote,
/// so it is rejected instead of silently masked.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Network-order address bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]
    /// Prefix length in bits (32 / 128 for a single address).
    public let length: Int

    /// Parses "ADDRESS" or "ADDRESS/LENGTH"; nil for anything malformed or with host bits set.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let addressText = String(parts[0])
        guard let parsed = IPPrefix.parseAddress(addressText) else { return nil }
        var length = parsed.count * 8
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(digits.count > 1 && digits.first == "0"),
                  let value = Int(digits), value <= parsed.count * 8 else { return nil }
            length = value
        }
        guard IPPrefix.hostBitsAreZero(parsed, length: length) else { return nil }
        self.bytes = parsed
        self.length = length
    }

    /// Builds a prefix from raw bytes; nil when the byte count or length is impossible or host bits are set.
    public init?(bytes: [UInt8], length: Int) {
        guard bytes.count == 4 || bytes.count == 16, (0...(bytes.count * 8)).contains(length),
              IPPrefix.hostBitsAreZero(bytes, length: length) else { return nil }
        self.bytes = bytes
        self.length = length
    }

    public var isIPv6: Bool { bytes.count == 16 }

    /// True when the prefix names exactly one address (/32 or /128).
    public var isHost: Bool { length == bytes.count * 8 }

    /// Canonical text: inet_ntop form, "/LENGTH" only for real prefixes.
    public var description: String {
        let family = isIPv6 ? AF_INET6 : AF_INET
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let text: String = bytes.withUnsafeBytes { raw in
            guard inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return isHost ? text : "\(text)/\(length)"
    }

    /// IPv4 before IPv6, then by address bytes, then shorter prefixes first.
    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        if lhs.bytes != rhs.bytes { return lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
        return lhs.length < rhs.length
    }

    /// The address as big-endian 32-bit words in host order (what `rtnl_u32_add_key_uint32` takes).
    var words: [UInt32] {
        stride(from: 0, to: bytes.count, by: 4).map { index in
            bytes[index..<index + 4].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        }
    }

    /// The prefix mask as 32-bit words in host order, aligned with `words`.
    var maskWords: [UInt32] {
        (0..<(bytes.count / 4)).map { word in
            let bits = min(max(length - word * 32, 0), 32)
            return bits == 0 ? 0 : UInt32.max << UInt32(32 - bits)
        }
    }

    private static func parseAddress(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.count <= Int(INET6_ADDRSTRLEN) else { return nil }
        if text.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            return withUnsafeBytes(of: &address) { Array($0) }
        }
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    private static func hostBitsAreZero(_ bytes: [UInt8], length: Int) -> Bool {
        for (index, byte) in bytes.enumerated() {
            let bitsKept = min(max(length - index * 8, 0), 8)
            let hostMask: UInt8 = bitsKept == 8 ? 0 : (UInt8.max >> UInt8(bitsKept))
            if byte & hostMask != 0 { return false }
        }
        return true
    }
}
