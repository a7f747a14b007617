/// The duration syntax of tierd's config (`ms s m h d`, e.g. `90s`, `2h`, `1h30m`), checked
/// by tierctl so that a typo is a usage error (64) before anything is sent. The daemon
/// parses the value itself.
enum DurationSyntax {
    static func isValid(_ text: String) -> Bool {
        var rest = Substring(text)
        guard !rest.isEmpty else { return false }
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigitOrDot)
            guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1, digits.first != "." else { return false }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix(while: \.isLetter)
            guard ["ms", "s", "m", "h", "d"].contains(unit) else { return false }
            rest = rest.dropFirst(unit.count)
        }
        return true
    }
}

private extension Character {
    var isASCIIDigitOrDot: Bool { ("0"..."9").contains(self) || self == "." }
}
