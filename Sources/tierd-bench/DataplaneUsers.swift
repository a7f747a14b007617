import TrafficControl

/// The data-plane benchmark's subscribers: user `i` has the IPv4 address 10.A.B.C (i spread
/// over the last three bytes, so 50k users cover 196 /24s and every last byte, which is
/// the u32 hash key) and, when IPv6 is measured, 2001:db8:0:A:B::C as well. All in one
/// 10 Gbit/s tier in both directions: every user has a class, nothing is rate-limited, so
/// the packet rate shows the cost of classifying and queueing, not of shaping.
enum DataplaneUsers {
    static let rate: UInt64 = 10_000_000_000

    static func ipv4(_ index: Int) -> [UInt8] {
        [10, UInt8((index >> 16) & 0xff), UInt8((index >> 8) & 0xff), UInt8(index & 0xff)]
    }

    static func ipv6(_ index: Int) -> [UInt8] {
        [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, UInt8((index >> 16) & 0xff), 0, UInt8((index >> 8) & 0xff),
         0, 0, 0, 0, 0, UInt8(index & 0xff)]
    }

    /// The first `count` users; IPv6 addresses only with `ipv6` (they double the filters).
    /// `directions`: the directions given the 10 Gbit/s rate; the others stay unshaped, which
    /// halves the build when only one direction is measured and touches nothing on the
    /// measured path (download never crosses the IFB; upload never leaves through `dev0`).
    static func shaped(count: Int, ipv6 withIPv6: Bool, directions: Set<DataplaneDirection>) throws -> [ShapedUser] {
        try (0..<count).map { index in
            var addresses = [try prefix(ipv4(index))]
            if withIPv6 { addresses.append(try prefix(ipv6(index))) }
            return ShapedUser(id: "u\(index)", addresses: addresses,
                              download: directions.contains(.download) ? rate : nil,
                              upload: directions.contains(.upload) ? rate : nil)
        }
    }

    /// The addresses the generator cycles over for `count` users.
    static func addresses(count: Int, _ family: DataplaneFamily) -> [[UInt8]] {
        (0..<count).map { family == .ipv4 ? ipv4($0) : ipv6($0) }
    }

    private static func prefix(_ bytes: [UInt8]) throws -> IPPrefix {
        guard let prefix = IPPrefix(bytes: bytes, length: bytes.count * 8) else { throw BenchFailure("bad address \(bytes)") }
        return prefix
    }
}
