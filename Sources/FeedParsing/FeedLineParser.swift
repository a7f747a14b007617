import Scoring

/// Turns one feed line into an event, a rejection with its reason, or nothing (blank).
///
/// Strict by design (docs/design.md, principle 2): input is untrusted, so every line is either
/// exactly understood or refused with a counted reason; nothing is guessed. Accepted:
/// a flat JSON object (see `FeedJSONObjectReader`) or the CSV shorthand (see
/// `FeedCSVLineReader`). Empty and whitespace-only lines, `#` comments and a CSV header
/// are `.blank`. A trailing `\r` (CRLF files) is ignored.
///
/// Checks run in this order, and the first failure is the reason: length, NUL bytes,
/// UTF-8 validity, then the syntax left to right, then the event's meaning.
public struct FeedLineParser: Sendable {
    /// The largest accepted magnitude of a score or delta: far beyond any real score,
    /// small enough that sums of many deltas stay exact in a Double.
    public static let maxMagnitude: Double = 1e12
    /// The longest accepted user id, in bytes.
    public static let maxUserIDLength = FeedUserID.maxLength
    /// The longest accepted `reason`, in bytes of UTF-8.
    public static let maxReasonLength = FeedReasonText.maxLength

    /// Lines longer than this many bytes (excluding the newline) are `lineTooLong`.
    public let maxLineLength: Int

    public init(maxLineLength: Int = 4096) {
        self.maxLineLength = max(1, maxLineLength)
    }

    /// Parses one line, without its terminating newline.
    public func parse(_ line: UnsafeRawBufferPointer) -> FeedLineResult {
        guard line.count <= maxLineLength else { return .rejected(.lineTooLong) }
        var sawNonASCII = false
        for b in line {
            if b == ASCII.nul { return .rejected(.nulByte) }
            if b >= 0x80 { sawNonASCII = true }
        }
        if sawNonASCII, String(validating: line, as: UTF8.self) == nil {
            return .rejected(.invalidUTF8)
        }
        var lower = 0
        var upper = line.count
        while lower < upper, ASCII.isWhitespace(line[lower]) { lower += 1 }
        while upper > lower, ASCII.isWhitespace(line[upper - 1]) { upper -= 1 }
        guard lower < upper else { return .blank }
        let text = UnsafeRawBufferPointer(rebasing: line[lower..<upper])
        do {
            switch text[0] {
            case ASCII.hash:
                return .blank
            case ASCII.leftBrace:
                var reader = FeedJSONObjectReader(text)
                return .event(try reader.readEvent())
            case ASCII.leftBracket, ASCII.quote:
                return .rejected(.notAnObject)
            default:
                guard text.contains(ASCII.comma) else { return .rejected(.notJSONOrCSV) }
                guard let event = try FeedCSVLineReader.read(text) else { return .blank }
                return .event(event)
            }
        } catch {
            return .rejected(error)
        }
    }

    /// Parses one line given as bytes in an array slice.
    public func parse(_ line: ArraySlice<UInt8>) -> FeedLineResult {
        line.withUnsafeBytes { parse($0) }
    }

    /// Parses one line given as a string (convenient for tests and `tierctl`).
    public func parse(_ line: String) -> FeedLineResult {
        var line = line
        return line.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
