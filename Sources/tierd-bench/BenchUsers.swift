/// Synthetic subscribers for the benchmark: unique IPv4 /32s spread over 10.0.0.0/8 so the
/// last byte (the hash key) is uniform, every fourth user with an IPv6 address too.
struct BenchUser {
    let id: String
    let ipv4: String
    let ipv6: String?
    let download: UInt64?
    let upload: UInt64?

    static func make(count: Int, throttled: Int, rates: (download: UInt64, upload: UInt64) = (20_000_000, 5_000_000)) -> [BenchUser] {
        (0..<count).map { index in
            let a = (index >> 16) & 0xff, b = (index >> 8) & 0xff, c = index & 0xff
            let shaped = index < throttled
            return BenchUser(
                id: "u\(index)", ipv4: "10.\(a).\(b).\(c)",
                ipv6: index % 4 == 0 ? "2001:db8:\(String(a, radix: 16)):\(String(b, radix: 16))::\(String(c, radix: 16))" : nil,
                download: shaped ? rates.download : nil, upload: shaped ? rates.upload : nil)
        }
    }
}
