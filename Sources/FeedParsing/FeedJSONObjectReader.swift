import Scoring

/// A strict reader for the one JSON shape the feed allows: a flat object with the keys
/// `user`, `score`, `delta`, `ts`, `reason`, each at most once.
///
/// Hand-written rather than Foundation's `JSONSerialization`/`JSONDecoder` because those
/// silently keep one of two duplicate keys, cannot say *why* a line is bad, and are
/// an order of magnitude too slow for the file ingest target. It reads the line's bytes
/// in place and allocates nothing on the common path (escape-free strings, short ids).
struct FeedJSONObjectReader {
    private let bytes: UnsafeRawBufferPointer
    private var i = 0

    /// `bytes` is a trimmed line whose first byte is `{`.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private enum Key: UInt8 {
        case user = 1, score = 2, delta = 4, ts = 8, reason = 16
    }

    mutating func readEvent() throws(FeedRejectionReason) -> ScoreEvent {
        var seen: UInt8 = 0
        var user: String?
        var score: Double?
        var delta: Double?
        var timestamp: Double?
        var reason: String?

        i = 1
        skipWhitespace()
        if peek() == ASCII.rightBrace {
            i += 1
        } else {
            while true {
                skipWhitespace()
                let key = try readKey()
                guard seen & key.rawValue == 0 else { throw .duplicateKey }
                seen |= key.rawValue
                skipWhitespace()
                guard peek() == ASCII.colon else { throw .malformedJSON }
                i += 1
                skipWhitespace()
                switch key {
                case .user:
                    user = try withString { (s) throws(FeedRejectionReason) in try FeedUserID.make(s) }
                case .score:
                    score = try FeedNumber.parseScore(try numberToken())
                case .delta:
                    delta = try FeedNumber.parseScore(try numberToken())
                case .ts:
                    if peek() == ASCII.quote {
                        timestamp = try withString { (s) throws(FeedRejectionReason) in try FeedTimestamp.parse(s) }
                    } else {
                        timestamp = try FeedTimestamp.unixSeconds(try numberToken())
                    }
                case .reason:
                    reason = try withString { (s) throws(FeedRejectionReason) in try FeedReasonText.make(s) }
                }
                skipWhitespace()
                let separator = peek()
                i += 1
                if separator == ASCII.comma { continue }
                if separator == ASCII.rightBrace { break }
                throw .malformedJSON
            }
        }
        skipWhitespace()
        guard i == bytes.count else { throw .malformedJSON }

        guard let user else { throw .missingUser }
        let change: ScoreChange
        switch (score, delta) {
        case let (score?, nil): change = .set(score)
        case let (nil, delta?): change = .delta(delta)
        case (.some, .some): throw .scoreAndDelta
        case (nil, nil): throw .missingScoreOrDelta
        }
        return ScoreEvent(user: user, change: change, timestamp: timestamp, reason: reason)
    }

    // MARK: - Tokens

    /// The byte at the cursor, or 0 at the end (0 never appears: NUL bytes are rejected earlier).
    @inline(__always) private func peek() -> UInt8 {
        i < bytes.count ? bytes[i] : 0
    }

    @inline(__always) private mutating func skipWhitespace() {
        while i < bytes.count, ASCII.isWhitespace(bytes[i]) { i += 1 }
    }

    private mutating func readKey() throws(FeedRejectionReason) -> Key {
        guard peek() == ASCII.quote else { throw .malformedJSON }
        return try withString { (name) throws(FeedRejectionReason) -> Key in
            switch name.count {
            case 2 where name.elementsEqual("ts".utf8): return .ts
            case 4 where name.elementsEqual("user".utf8): return .user
            case 5 where name.elementsEqual("score".utf8): return .score
            case 5 where name.elementsEqual("delta".utf8): return .delta
            case 6 where name.elementsEqual("reason".utf8): return .reason
            default: throw .unknownKey
            }
        }
    }

    /// Classifies a value that is not of the type its key needs, so the error says why.
    private func wrongValue() -> FeedRejectionReason {
        switch peek() {
        case ASCII.leftBrace, ASCII.leftBracket: return .nestedValue
        case ASCII.quote, UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"),
             ASCII.minus, ASCII.zero...ASCII.nine, UInt8(ascii: "N"), UInt8(ascii: "I"):
            return isLiteralOrString() ? .wrongType : .malformedJSON
        default: return .malformedJSON
        }
    }

    /// Whether the value at the cursor is a well-formed JSON scalar (string, number, literal).
    private func isLiteralOrString() -> Bool {
        var copy = self
        if peek() == ASCII.quote {
            return (try? copy.withString { (_) throws(FeedRejectionReason) in () }) != nil
        }
        let token = copy.scanToken()
        if token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8) || token.elementsEqual("null".utf8) {
            return true
        }
        do { _ = try FeedNumber.parse(token); return true } catch { return error != .badNumber }
    }

    /// The bare token at the cursor (up to the next delimiter), for numbers and literals.
    private mutating func scanToken() -> UnsafeRawBufferPointer {
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == ASCII.comma || b == ASCII.rightBrace || ASCII.isWhitespace(b) { break }
            i += 1
        }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<i])
    }

    /// The number at the cursor; a value of another type is `wrongType`/`nestedValue`.
    private mutating func numberToken() throws(FeedRejectionReason) -> UnsafeRawBufferPointer {
        let b = peek()
        // `+` and `.` cannot start a JSON number, but a producer meant one: say `badNumber`.
        guard b == ASCII.minus || ASCII.isDigit(b) || b == UInt8(ascii: "N") || b == UInt8(ascii: "I")
            || b == ASCII.plus || b == ASCII.dot
        else {
            throw wrongValue()
        }
        return scanToken()
    }

    /// Reads the string at the cursor and passes its decoded bytes to `body`.
    /// Escape-free strings (the norm) are passed in place, without copying.
    private mutating func withString<R>(
        _ body: (UnsafeRawBufferPointer) throws(FeedRejectionReason) -> R
    ) throws(FeedRejectionReason) -> R {
        guard peek() == ASCII.quote else { throw wrongValue() }
        i += 1
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == ASCII.quote {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
                i += 1
                return try body(raw)
            }
            if b == ASCII.backslash {
                var decoded = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
                try decodeEscapedRest(into: &decoded)
                let result = decoded.withUnsafeBytes { buffer in
                    Result { () throws(FeedRejectionReason) -> R in try body(buffer) }
                }
                return try result.get()
            }
            if b < ASCII.space { throw .malformedJSON }
            i += 1
        }
        throw .malformedJSON
    }

    /// Decodes the rest of a string that has escapes, from the cursor to the closing quote.
    private mutating func decodeEscapedRest(into out: inout [UInt8]) throws(FeedRejectionReason) {
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case ASCII.quote:
                return
            case ASCII.backslash:
                guard i < bytes.count else { throw .malformedJSON }
                let e = bytes[i]
                i += 1
                switch e {
                case ASCII.quote, ASCII.backslash, ASCII.slash: out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(ASCII.lf)
                case UInt8(ascii: "r"): out.append(ASCII.cr)
                case UInt8(ascii: "t"): out.append(ASCII.tab)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &out)
                default: throw .malformedJSON
                }
            default:
                if b < ASCII.space { throw .malformedJSON }
                out.append(b)
            }
        }
        throw .malformedJSON
    }

    /// Decodes `XXXX` after `\u`, joining a surrogate pair; a lone surrogate is malformed.
    private mutating func appendUnicodeEscape(to out: inout [UInt8]) throws(FeedRejectionReason) {
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard i + 1 < bytes.count, bytes[i] == ASCII.backslash, bytes[i + 1] == UInt8(ascii: "u") else {
                throw .malformedJSON
            }
            i += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw .malformedJSON }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw .malformedJSON
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw .malformedJSON }
        out.append(contentsOf: UTF8.encode(unicode)!)
    }

    private mutating func hex4() throws(FeedRejectionReason) -> UInt32 {
        guard i + 4 <= bytes.count else { throw .malformedJSON }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let digit: UInt8
            switch b {
            case ASCII.zero...ASCII.nine: digit = b - ASCII.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw .malformedJSON
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }
}
