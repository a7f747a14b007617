/// A LibreQoS rate ("105", "2.5", "0.125": megabits per second) as whole bit/s.
///
/// WHY decimal by hand rather than `Double(text)`: `Double` also accepts "1e3", "inf",
/// "nan" and hexadecimal, which no spreadsheet writes and which would turn a typo into a
/// plan; and reading the digits exactly keeps "2.3" from becoming 2_299_999 bit/s.
public struct MbpsRate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bitsPerSecond: UInt64

    /// Above this a rate is certainly a typo (10 Tbit/s).
    public static let maxMbps: UInt64 = 10_000_000

    /// Parses digits with an optional fraction ("105", "2.5", ".5" is refused); beyond six
    /// fraction digits (a bit) the value is rounded half up. Nil for anything else, for
    /// zero, and above `maxMbps`.
    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 8, whole.allSatisfy(isDigit) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : whole[whole.endIndex...]
        guard parts.count == 1 || (!fraction.isEmpty && fraction.allSatisfy(isDigit)) else { return nil }
        let digit = { (byte: UInt8) in UInt64(byte - UInt8(ascii: "0")) }
        let mbps = whole.reduce(UInt64(0)) { $0 * 10 + digit($1) }
        var micro: UInt64 = 0
        for (index, byte) in fraction.prefix(7).enumerated() {
            if index < 6 {
                micro = micro * 10 + digit(byte)
            } else if digit(byte) >= 5 {
                micro += 1
            }
        }
        micro *= (0..<max(0, 6 - fraction.count)).reduce(1) { product, _ in product * 10 }
        let bits = mbps * 1_000_000 + micro
        guard bits > 0, bits <= Self.maxMbps * 1_000_000 else { return nil }
        bitsPerSecond = bits
    }

    public init(bitsPerSecond: UInt64) {
        self.bitsPerSecond = bitsPerSecond
    }

    /// The shortest exact rate in tierd's config units: "105mbit", "2500kbit", "1000001bit".
    public var configText: String {
        if bitsPerSecond % 1_000_000 == 0 { return "\(bitsPerSecond / 1_000_000)mbit" }
        if bitsPerSecond % 1000 == 0 { return "\(bitsPerSecond / 1000)kbit" }
        return "\(bitsPerSecond)bit"
    }

    /// Megabits per second as LibreQoS writes them: "105", "2.5".
    public var description: String {
        let whole = bitsPerSecond / 1_000_000
        let fraction = bitsPerSecond % 1_000_000
        guard fraction > 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    public static func < (lhs: MbpsRate, rhs: MbpsRate) -> Bool { lhs.bitsPerSecond < rhs.bitsPerSecond }
}
