/// The rule for an event's free-text `reason`: at most `maxLength` bytes of UTF-8, no
/// control characters (C0, DEL, C1), so a reason can be shown in a terminal or a log
/// line without escaping surprises.
enum FeedReasonText {
    static let maxLength = 256

    /// Validates `bytes` (already known to be UTF-8) and returns them as a String.
    static func make(_ bytes: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> String {
        guard bytes.count <= maxLength else { throw .badReason }
        var previous: UInt8 = 0
        for b in bytes {
            if b < ASCII.space || b == ASCII.del { throw .badReason }
            // U+0080...U+009F are encoded as C2 80...C2 9F.
            if previous == 0xC2, b >= 0x80, b <= 0x9F { throw .badReason }
            previous = b
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
