import Foundation

/// Wall-clock helpers. The scoring core works in seconds since the Unix epoch (feed
/// timestamps are wall-clock), so the daemon converts only at its edges.
public enum Timestamps {
    /// Seconds since the Unix epoch, now.
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-27T05:00:00.125Z`.
    public static func rfc3339(_ seconds: Double) -> String {
        rfc3339(seconds, using: rfc3339Formatter())
    }

    /// The same text with a formatter the caller reuses: creating one costs tens of
    /// microseconds on Linux, which made writing 10,000 audit lines at start-up take most
    /// of a second. Not shareable across tasks (not Sendable): make one per batch.
    public static func rfc3339(_ seconds: Double, using formatter: ISO8601DateFormatter) -> String {
        formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    public static func rfc3339Formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    /// Scores are shown with at most three decimals: enough to explain a threshold decision,
    /// without float noise like 639.9999999.
    public static func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}
