/// Reads the `ts` of a feed event into seconds since the Unix epoch.
///
/// Accepted: RFC 3339 date-times (`2026-11-27T05:00:00Z`, `...T05:00:00.25+01:00`; `T`
/// may be `t` or a space as RFC 3339 §5.6 allows) and Unix seconds (a JSON number,
/// or the same digits as a string). Anything before 1970 or after 9999 is refused:
/// such a time is a producer bug, not a real observation. Hand-written because
/// Foundation's ISO 8601 formatter is slow, allocates, and silently accepts variants
/// outside RFC 3339.
enum FeedTimestamp {
    /// 9999-12-31T23:59:59Z.
    static let latest: Double = 253_402_300_799

    /// Reads a timestamp given as text (RFC 3339, or Unix seconds as digits).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> Double {
        if bytes.count >= 20, bytes[4] == ASCII.minus {
            return try parseRFC3339(bytes)
        }
        return try unixSeconds(bytes)
    }

    /// Reads a timestamp given as a number of Unix seconds.
    static func unixSeconds(_ bytes: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> Double {
        let value: Double
        do { value = try FeedNumber.parse(bytes) } catch { throw .badTimestamp }
        return try checked(value)
    }

    private static func checked(_ seconds: Double) throws(FeedRejectionReason) -> Double {
        guard seconds >= 0, seconds <= latest else { throw .badTimestamp }
        return seconds
    }

    private static func parseRFC3339(_ b: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> Double {
        var i = 0
        func digits(_ count: Int) throws(FeedRejectionReason) -> Int {
            guard i + count <= b.count else { throw .badTimestamp }
            var value = 0
            for _ in 0..<count {
                guard ASCII.isDigit(b[i]) else { throw .badTimestamp }
                value = value * 10 + Int(b[i] &- ASCII.zero)
                i += 1
            }
            return value
        }
        func expect(_ byte: UInt8) throws(FeedRejectionReason) {
            guard i < b.count, b[i] == byte else { throw .badTimestamp }
            i += 1
        }
        let year = try digits(4)
        try expect(ASCII.minus)
        let month = try digits(2)
        try expect(ASCII.minus)
        let day = try digits(2)
        guard i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == ASCII.space else {
            throw .badTimestamp
        }
        i += 1
        let hour = try digits(2)
        try expect(ASCII.colon)
        let minute = try digits(2)
        try expect(ASCII.colon)
        let second = try digits(2)
        var fraction = 0.0
        if i < b.count, b[i] == ASCII.dot {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, ASCII.isDigit(b[i]) {
                fraction += Double(b[i] &- ASCII.zero) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { throw .badTimestamp }
        }
        guard i < b.count else { throw .badTimestamp }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == ASCII.plus || b[i] == ASCII.minus {
            let sign = b[i] == ASCII.minus ? -1 : 1
            i += 1
            let offsetHours = try digits(2)
            try expect(ASCII.colon)
            let offsetMinutes = try digits(2)
            guard offsetHours <= 23, offsetMinutes <= 59 else { throw .badTimestamp }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            throw .badTimestamp
        }
        guard i == b.count,
              year >= 1970, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60
        else { throw .badTimestamp }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return try checked(Double(seconds) + fraction)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
