import Glibc

/// An IPv4 or IPv6 address or prefix as written in the users file.
///
/// Parsing is strict because every prefix becomes a u32 match in the kernel: a prefix with
/// host bits set ("10.0.0.1/24") would match something other than what the operator wrote,
/// so it is rejected instead of silently masked. Stored as two integers (not a byte array)
/// because the planner hashes and compares tens of thousands of them on every converge.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// First 8 address bytes (IPv6), big-endian; 0 for IPv4.
    private let high: UInt64
    /// Last 8 address bytes (IPv6) or the 4 IPv4 bytes in the low half, big-endian.
    private let low: UInt64
    public let isIPv6: Bool
    /// Prefix length in bits (32 / 128 for a single address).
    public let length: Int

    /// Parses "ADDRESS" or "ADDRESS/LENGTH"; nil for anything malformed or with host bits set.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        guard let parsed = IPPrefix.parseAddress(String(parts[0])) else { return nil }
        var length = parsed.count * 8
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(digits.count > 1 && digits.first == "0"),
                  let value = Int(digits), value <= parsed.count * 8 else { return nil }
            length = value
        }
        self.init(bytes: parsed, length: length)
    }

    /// Builds a prefix from network-order bytes; nil when the byte count or length is
    /// impossible or host bits are set.
    public init?(bytes: [UInt8], length: Int) {
        guard bytes.count == 4 || bytes.count == 16, (0...(bytes.count * 8)).contains(length) else { return nil }
        let value = { (range: Range<Int>) in range.reduce(UInt64(0)) { ($0 << 8) | UInt64(bytes[$1]) } }
        isIPv6 = bytes.count == 16
        high = isIPv6 ? value(0..<8) : 0
        low = isIPv6 ? value(8..<16) : value(0..<4)
        self.length = length
        guard maskWords.enumerated().allSatisfy({ words[$0.offset] & ~$0.element == 0 }) else { return nil }
    }

    /// Network-order address bytes: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        let count = isIPv6 ? 16 : 4
        return (0..<count).map { byte($0) }
    }

    /// One network-order address byte (0 = first), without building the array.
    func byte(_ index: Int) -> UInt8 {
        if isIPv6 {
            let word = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: word >> UInt64(8 * (7 - index % 8)))
        }
        return UInt8(truncatingIfNeeded: low >> UInt64(8 * (3 - index)))
    }

    /// True when the prefix names exactly one address (/32 or /128).
    public var isHost: Bool { length == (isIPv6 ? 128 : 32) }

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

    /// IPv4 before IPv6, then by address, then shorter prefixes first.
    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.high, lhs.low, lhs.length) < (rhs.isIPv6 ? 1 : 0, rhs.high, rhs.low, rhs.length)
    }

    /// The address as big-endian 32-bit words in host order (what `rtnl_u32_add_key_uint32` takes).
    var words: [UInt32] {
        guard isIPv6 else { return [UInt32(truncatingIfNeeded: low)] }
        return [UInt32(truncatingIfNeeded: high >> 32), UInt32(truncatingIfNeeded: high),
                UInt32(truncatingIfNeeded: low >> 32), UInt32(truncatingIfNeeded: low)]
    }

    /// The prefix mask as 32-bit words in host order, aligned with `words`.
    var maskWords: [UInt32] {
        (0..<(isIPv6 ? 4 : 1)).map { word in
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
}
