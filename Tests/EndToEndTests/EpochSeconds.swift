import Foundation

/// Seconds since the Unix epoch of an RFC 3339 instant as the daemon writes it (with or
/// without milliseconds).
func epochSeconds(_ value: Any?) -> Double? {
    guard let text = value as? String else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)?.timeIntervalSince1970
}
