/// The feed's rule for user ids: 1...64 bytes of `[A-Za-z0-9._@-]`.
///
/// Narrow on purpose: ids end up in logs, metrics-free status output and the state
/// journal, so nothing that could inject control characters, separators or path
/// syntax is let in (`@` and `.` allow e-mail-like and dotted ids).
enum FeedUserID {
    static let maxLength = 64

    /// Validates `bytes` as a user id and returns it as a String.
    static func make(_ bytes: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> String {
        guard !bytes.isEmpty, bytes.count <= maxLength else { throw .badUserID }
        for b in bytes where !isAllowed(b) { throw .badUserID }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always) static func isAllowed(_ b: UInt8) -> Bool {
        let lower = b | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
            || ASCII.isDigit(b) || b == ASCII.dot || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "@") || b == ASCII.minus
    }
}
