import Foundation

/// Rates in tc's notation, so operators can reuse what they know from `tc(8)`.
///
/// Units (case-insensitive): `bit` (and a bare number) = bit/s; `kbit mbit gbit tbit`
/// (×1000); `kibit mibit gibit tibit` (×1024); `bps kbps mbps gbps tbps` and the IEC
/// `kibps mibps gibps tibps` are BYTES per second, as in tc. Decimals are allowed
/// ("1.5mbit"); the result is rounded to whole bit/s. Negative, zero-length, non-finite
/// or out-of-range values give nil.
public enum RateParser {
    /// Multiplier to bit/s for every unit tc knows.
    private static let units: [String: Double] = [
        "": 1, "bit": 1,
        "kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "tbit": 1e12,
        "kibit": 1024, "mibit": 1_048_576, "gibit": 1_073_741_824, "tibit": 1_099_511_627_776,
        "bps": 8, "kbps": 8e3, "mbps": 8e6, "gbps": 8e9, "tbps": 8e12,
        "kibps": 8 * 1024, "mibps": 8 * 1_048_576, "gibps": 8 * 1_073_741_824, "tibps": 8 * 1_099_511_627_776,
    ]

    /// Parses "20mbit", "256kbit", "1.5gbit", "125kbps" (bytes), "1000000" (bit/s).
    public static func parse(_ text: String) -> UInt64? {
        guard let (number, unit) = UnitSplitter.split(text.trimmingCharacters(in: .whitespaces)),
              let multiplier = units[unit.lowercased()]
        else { return nil }
        let value = (number * multiplier).rounded()
        guard value.isFinite, value >= 0, value < 1.8e19 else { return nil }
        return UInt64(value)
    }

    /// The shortest exact tc spelling: 20_000_000 -> "20mbit", 1_500_000 -> "1500kbit".
    public static func format(_ bitsPerSecond: UInt64) -> String {
        let decimalUnits: [(UInt64, String)] = [
            (1_000_000_000_000, "tbit"), (1_000_000_000, "gbit"), (1_000_000, "mbit"), (1000, "kbit"),
        ]
        for (size, name) in decimalUnits where bitsPerSecond >= size && bitsPerSecond % size == 0 {
            return "\(bitsPerSecond / size)\(name)"
        }
        return "\(bitsPerSecond)bit"
    }
}
