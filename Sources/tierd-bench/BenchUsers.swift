import TrafficControl

/// Synthetic subscribers for the benchmark: unique IPv4 /32s spread over 10.0.0.0/8 so the
/// last byte (the hash key) is uniform, every fourth user with an IPv6 address too.
struct BenchUser {
    let id: String
    let ipv4: IPPrefix
    let ipv6: IPPrefix?
    var download: UInt64?
    var upload: UInt64?

    var addresses: [IPPrefix] { [ipv4] + (ipv6.map { [$0] } ?? []) }

    /// The shaper's view of this user.
    var shaped: ShapedUser { ShapedUser(id: id, addresses: addresses, download: download, upload: upload) }

    /// `count` users of which the first `throttled` are shaped at `rates` (bit/s).
    static func make(count: Int, throttled: Int, rates: (download: UInt64, upload: UInt64) = (20_000_000, 5_000_000)) -> [BenchUser] {
        (0..<count).map { index in
            let a = UInt8((index >> 16) & 0xff), b = UInt8((index >> 8) & 0xff), c = UInt8(index & 0xff)
            let shaped = index < throttled
            var v6: IPPrefix?
            if index % 4 == 0 {
                v6 = IPPrefix(bytes: [0x20, 0x01, 0x0d, 0xb8, 0, a, 0, b, 0, 0, 0, 0, 0, 0, 0, c], length: 128)
            }
            return BenchUser(
                id: "u\(index)", ipv4: IPPrefix(bytes: [10, a, b, c], length: 32)!, ipv6: v6,
                download: shaped ? rates.download : nil, upload: shaped ? rates.upload : nil)
        }
    }
}
