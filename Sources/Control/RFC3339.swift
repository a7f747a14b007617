import Foundation

/// RFC 3339 timestamps as the control protocol writes them (`2026-11-27T05:00:00Z`, UTC).
///
/// Protocol types format their dates themselves instead of relying on a `JSONEncoder`'s
/// date strategy, so the wire format does not depend on how the daemon configured its encoder.
/// Parsing also accepts fractional seconds and numeric offsets, as other producers write them.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text)
    }

    static func decode<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Date {
        let text = try container.decode(String.self, forKey: key)
        guard let date = parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "not an RFC 3339 timestamp: \(text)")
        }
        return date
    }

    static func decodeIfPresent<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Date? {
        guard try container.decodeIfPresent(String.self, forKey: key) != nil else { return nil }
        return try decode(container, forKey: key)
    }
}
