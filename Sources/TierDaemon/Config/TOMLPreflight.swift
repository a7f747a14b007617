/// Refuses, with a line number, the two inputs on which toml++ (as built by TOMLKit
/// 0.6.0) aborts the process instead of reporting a syntax error.
///
/// WHY: `tierd --check` and reload must answer a broken config with `file:line`, never
/// crash. `ConfigMutationTests` found two inputs that hit toml++'s
/// `TOML_ASSERT_ASSUME(is_bare_key_character(*cp) || is_string_delimiter(*cp))` in
/// `parse_key`, which is compiled into release builds too (SIGABRT):
/// - a table header whose name starts with anything else, e.g. `[# comment`, `[=x]`;
/// - a non-ASCII byte outside strings and comments, e.g. `[\u{FFFD}etwork]` (TOML allows
///   non-ASCII only inside strings and comments, so refusing it loses nothing).
/// Everything else is left to toml++, which reports it properly.
enum TOMLPreflight {
    struct Problem: Equatable {
        let line: Int
        let message: String
    }

    static func check(_ text: String) -> Problem? {
        enum State { case normal, comment, basic, literal, multilineBasic, multilineLiteral }
        let bytes = Array(text.utf8)
        let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'"), newline = UInt8(ascii: "\n")
        var state = State.normal
        var line = 1
        var index = 0
        var atLineStart = true
        var inValue = false
        var depth = 0

        func starts(_ byte: UInt8, count: Int) -> Bool {
            index + count <= bytes.count && bytes[index..<index + count].allSatisfy { $0 == byte }
        }
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        /// toml++ calls parse_key right after `[`, `[[` and blanks: check what it will see.
        func headerNameStartsWell(from start: Int) -> Bool {
            var at = start + 1
            while at < bytes.count && isBlank(bytes[at]) { at += 1 }
            if at < bytes.count && bytes[at] == UInt8(ascii: "[") {
                at += 1
                while at < bytes.count && isBlank(bytes[at]) { at += 1 }
            }
            guard at < bytes.count else { return true }
            let byte = bytes[at]
            return isBareKeyByte(byte) || byte == quote || byte == apostrophe || byte == UInt8(ascii: "]")
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch state {
            case .normal:
                if byte >= 0x80 { return Problem(line: line, message: "non-ASCII character outside a string or comment") }
                if atLineStart && !isBlank(byte) {
                    atLineStart = false
                    if !inValue && byte == UInt8(ascii: "[") && !headerNameStartsWell(from: index) {
                        return Problem(line: line, message: "a table header needs a name: a bare key or a quoted one")
                    }
                }
                switch byte {
                case UInt8(ascii: "#"): state = .comment
                case quote:
                    if starts(quote, count: 3) { state = .multilineBasic; index += 2 } else { state = .basic }
                case apostrophe:
                    if starts(apostrophe, count: 3) { state = .multilineLiteral; index += 2 } else { state = .literal }
                case UInt8(ascii: "="): if depth == 0 { inValue = true }
                case UInt8(ascii: "["), UInt8(ascii: "{"): if inValue { depth += 1 }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): if inValue && depth > 0 { depth -= 1 }
                case newline:
                    line += 1
                    atLineStart = true
                    if depth == 0 { inValue = false }
                default: break
                }
            case .comment:
                if byte == newline {
                    state = .normal
                    line += 1
                    atLineStart = true
                    if depth == 0 { inValue = false }
                }
            case .basic, .literal:
                if state == .basic && byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == (state == .basic ? quote : apostrophe) {
                    state = .normal
                } else if byte == newline {
                    // An unterminated string: toml++ reports it; resynchronise on the next line.
                    state = .normal
                    line += 1
                    atLineStart = true
                    if depth == 0 { inValue = false }
                }
            case .multilineBasic, .multilineLiteral:
                let closing = state == .multilineBasic ? quote : apostrophe
                if byte == newline { line += 1 }
                if state == .multilineBasic && byte == UInt8(ascii: "\\") {
                    index += 1
                    if index < bytes.count && bytes[index] == newline { line += 1 }
                } else if starts(closing, count: 3) {
                    state = .normal
                    index += 2
                }
            }
            index += 1
        }
        return nil
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
