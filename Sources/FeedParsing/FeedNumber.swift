/// Strict reading of numbers as the feed writes them: exactly the JSON number grammar
/// (RFC 8259 §6), for JSON values and CSV fields alike.
///
/// Hand-written because the standard `Double(String)` also accepts `nan`, `inf`, hex
/// floats and a leading `+`, which the contract does not; the grammar is checked here
/// and the conversion itself is left to the standard library except for short integers,
/// which are converted directly because they are by far the most common case.
enum FeedNumber {
    /// Reads the number that occupies all of `bytes`.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> Double {
        let n = bytes.count
        guard n > 0 else { throw .badNumber }
        var i = 0
        let negative = bytes[0] == ASCII.minus
        if negative { i = 1 }
        guard i < n else { throw .badNumber }
        if bytes[i] == UInt8(ascii: "N") || bytes[i] == UInt8(ascii: "I") {
            throw isNonFiniteLiteral(UnsafeRawBufferPointer(rebasing: bytes[i...]), negative: negative)
                ? .nonFiniteNumber : .badNumber
        }
        var mantissa: UInt64 = 0
        var digits = 0
        if bytes[i] == ASCII.zero {
            i += 1
        } else if ASCII.isDigit(bytes[i]) {
            while i < n, ASCII.isDigit(bytes[i]) {
                if digits < 18 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- ASCII.zero) }
                digits += 1
                i += 1
            }
        } else {
            throw .badNumber
        }
        var isPlainInteger = true
        if i < n, bytes[i] == ASCII.dot {
            isPlainInteger = false
            i += 1
            guard i < n, ASCII.isDigit(bytes[i]) else { throw .badNumber }
            while i < n, ASCII.isDigit(bytes[i]) { i += 1 }
        }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            isPlainInteger = false
            i += 1
            if i < n, bytes[i] == ASCII.plus || bytes[i] == ASCII.minus { i += 1 }
            guard i < n, ASCII.isDigit(bytes[i]) else { throw .badNumber }
            while i < n, ASCII.isDigit(bytes[i]) { i += 1 }
        }
        guard i == n else { throw .badNumber }
        // Integers of up to 15 digits are exact in a Double: convert without a string.
        if isPlainInteger, digits <= 15 {
            let value = Double(mantissa)
            return negative ? -value : value
        }
        guard let value = Double(String(decoding: bytes, as: UTF8.self)) else { throw .badNumber }
        guard value.isFinite else { throw .nonFiniteNumber }
        return value
    }

    /// Reads a score or delta: a number whose magnitude is at most `FeedLineParser.maxMagnitude`.
    static func parseScore(_ bytes: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> Double {
        let value = try parse(bytes)
        guard abs(value) <= FeedLineParser.maxMagnitude else { throw .numberOutOfRange }
        return value
    }

    /// `NaN`, `Infinity` (optionally negative): what JavaScript and Python emit for
    /// non-finite numbers. Recognised so the rejection names the real problem.
    private static func isNonFiniteLiteral(_ rest: UnsafeRawBufferPointer, negative: Bool) -> Bool {
        rest.elementsEqual("Infinity".utf8) || (!negative && rest.elementsEqual("NaN".utf8))
    }
}
