import Scoring

/// Writes events as feed lines: what producers (and `tierctl push`) send.
///
/// The output is always JSON (the one form that can carry a `reason`) and always parses
/// back, through `FeedLineParser`, to the same event, for any event the parser can
/// produce; the fuzz target checks exactly that round trip.
public enum FeedLineEncoder {
    /// One JSON line for `event`, without the newline.
    public static func jsonLine(for event: ScoreEvent) -> String {
        var text = #"{"user":""# + escaped(event.user) + #"","#
        switch event.change {
        case .set(let value): text += #""score":\#(value)"#
        case .delta(let value): text += #""delta":\#(value)"#
        }
        if let timestamp = event.timestamp { text += #","ts":\#(timestamp)"# }
        if let reason = event.reason { text += #","reason":""# + escaped(reason) + #"""# }
        return text + "}"
    }

    /// `text` as the inside of a JSON string (RFC 8259 §7): quotes, backslashes and
    /// control characters escaped, everything else as is.
    public static func escaped(_ text: String) -> String {
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
