/// The bytes the feed socket sends. Written by hand rather than with `JSONEncoder`,
/// which does not keep keys in declaration order on Linux: the contract documents the
/// reply as `{"accepted":N,"rejected":M,"errors":[...]}` and scripts may match on it.
enum FeedSocketWire {
    static func line(_ reply: FeedPushReply) -> String {
        let errors = reply.errors.map { #"{"line":\#($0.line),"reason":"\#($0.reason.rawValue)"}"# }
        return #"{"accepted":\#(reply.accepted),"rejected":\#(reply.rejected),"errors":[\#(errors.joined(separator: ","))]}"# + "\n"
    }

    static func line(_ refusal: FeedSocketRefusal) -> String {
        #"{"error":"\#(escaped(refusal.error))","message":"\#(escaped(refusal.message))"}"# + "\n"
    }

    /// `text` as the inside of a JSON string (RFC 8259 §7).
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
