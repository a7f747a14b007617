import Control
import Foundation

/// How tierctl shows single values in tables and listings.
enum Formatting {
    /// A rate in bit/s the way tc writes rates: `20Mbit`, `1.5Gbit`, `256Kbit`; `-` when
    /// the user is unthrottled (nil).
    static func rate(_ bitsPerSecond: UInt64?) -> String {
        guard let rate = bitsPerSecond else { return "-" }
        let units: [(UInt64, String)] = [(1_000_000_000, "Gbit"), (1_000_000, "Mbit"), (1_000, "Kbit")]
        for (scale, unit) in units where rate >= scale {
            return number(Double(rate) / Double(scale)) + unit
        }
        return "\(rate)bit"
    }

    /// A number without a useless `.0`, and at most two decimals.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    static func date(_ date: Date?) -> String {
        date.map(RFC3339.format) ?? "-"
    }

    /// `full until 2026-11-27T07:00:00Z (ticket 42)`, or `-` when there is no override.
    static func override(_ override: OverrideStatus?) -> String {
        guard let override else { return "-" }
        var text = override.tier + (override.until.map { " until " + RFC3339.format($0) } ?? " until cleared")
        if let reason = override.reason, !reason.isEmpty { text += " (\(reason))" }
        return text
    }
}
