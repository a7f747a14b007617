import Foundation

/// Durations as operators write them, in the config and on tierctl's command line alike
/// (`override --for`): `ms s m h d`, optionally chained ("1h30m") and with decimals ("1.5h");
/// a bare number means seconds. One grammar for both, here in the layer tierd and tierctl
/// share, so what tierctl accepts is exactly what the daemon does.
public enum DurationParser {
    private static let units: [String: Double] = [
        "": 1, "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400,
    ]

    /// Seconds, or nil for anything malformed or negative.
    public static func parse(_ text: String) -> Double? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        var sawBareNumber = false
        while !rest.isEmpty {
            // One "<number><unit>" component: the number, then letters up to the next digit.
            let numberEnd = rest.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? rest.endIndex
            let unitEnd = rest[numberEnd...].firstIndex { $0.isASCII && ($0.isNumber || $0 == ".") } ?? rest.endIndex
            let numberText = rest[..<numberEnd]
            let unit = rest[numberEnd..<unitEnd].lowercased()
            guard !numberText.isEmpty, let number = Double(numberText), let multiplier = units[unit] else {
                return nil
            }
            // A bare number is only meaningful on its own ("90"), not inside "1h30".
            if unit.isEmpty { sawBareNumber = true }
            total += number * multiplier
            rest = rest[unitEnd...]
        }
        if sawBareNumber && Double(text.trimmingCharacters(in: .whitespaces)) == nil { return nil }
        return total.isFinite ? total : nil
    }

    /// Compact text: 86400 -> "1d", 5400 -> "1h30m", 0.25 -> "250ms", 0 -> "0s".
    /// Precision is whole milliseconds.
    public static func format(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        var milliseconds = UInt64((seconds * 1000).rounded())
        if milliseconds == 0 { return "0s" }
        var text = ""
        for (size, unit) in [(UInt64(86_400_000), "d"), (3_600_000, "h"), (60000, "m"), (1000, "s"), (1, "ms")] {
            let count = milliseconds / size
            if count > 0 {
                text += "\(count)\(unit)"
                milliseconds -= count * size
            }
        }
        return text
    }
}
