/// The single pass over a config text behind `TOMLSourceIndex`; TOML's structure is
/// ASCII, so bytes suffice.
///
/// It follows TOML's statements: a line is blank, a comment, a `[table]` or `[[array]]`
/// header, or `key = value`, where the value may span lines inside brackets, braces or
/// multi-line strings. Headers and keys are recorded with their line; what can hide
/// key-like text (comments, strings, values) is skipped. One bare-key rule serves key
/// names and the header check. Keys inside inline tables are not indexed:
/// `nearestLine` falls back to the enclosing key's line.
struct TOMLSourceScanner {
    typealias Path = TOMLSourceIndex.Path

    private(set) var lines: [Path: Int] = [:]
    private(set) var problem: TOMLSourceIndex.Problem?

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// The table the following keys belong to.
    private var table: Path = []
    /// Elements seen so far of each array of tables.
    private var arrayCounts: [Path: Int] = [:]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
    private static let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'"), hash = UInt8(ascii: "#")
    private static let open = UInt8(ascii: "["), close = UInt8(ascii: "]"), equals = UInt8(ascii: "=")

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    mutating func scan() {
        while let byte = peek() {
            switch byte {
            case Self.space, Self.tab, UInt8(ascii: "\r"): index += 1
            case Self.newline: nextLine()
            case Self.hash: skipComment()
            case Self.open: header()
            default:
                record(table + keyComponents())
                if peek() == Self.equals { index += 1 }
                skipValue()
            }
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func nextLine() {
        line += 1
        index += 1
    }

    /// Consumes one byte of TOML syntax (not of a string or comment); a non-ASCII one
    /// ends the scan with a problem.
    private mutating func syntaxByte() {
        guard bytes[index] < 0x80 else { return fail("non-ASCII character outside a string or comment") }
        index += 1
    }

    private mutating func fail(_ message: String) {
        problem = TOMLSourceIndex.Problem(line: line, message: message)
        index = bytes.count
    }

    /// `[a.b]` or `[[a.b]]`: the following keys belong to that table (an array's newest element).
    private mutating func header() {
        guard headerNameStartsWell() else { return fail("a table header needs a name: a bare key or a quoted one") }
        let isArray = peek(1) == Self.open
        index += isArray ? 2 : 1
        let components = keyComponents()
        while peek() == Self.close { index += 1 }
        var resolved: Path = []
        for (position, component) in components.enumerated() {
            resolved.append(component)
            if position == components.count - 1 && isArray {
                let count = arrayCounts[resolved, default: 0]
                arrayCounts[resolved] = count + 1
                if lines[resolved] == nil { lines[resolved] = line }
                resolved.append("[\(count)]")
            } else if let count = arrayCounts[resolved] {
                resolved.append("[\(count - 1)]")
            }
        }
        record(resolved)
        table = resolved
    }

    /// toml++ parses a key right after `[`, `[[` and blanks: check what it will see.
    private func headerNameStartsWell() -> Bool {
        var at = index + 1
        func skipBlanks() {
            while at < bytes.count && (bytes[at] == Self.space || bytes[at] == Self.tab) { at += 1 }
        }
        skipBlanks()
        if at < bytes.count && bytes[at] == Self.open {
            at += 1
            skipBlanks()
        }
        guard at < bytes.count else { return true }
        return Self.isBareKeyByte(bytes[at]) || [Self.quote, Self.apostrophe, Self.close].contains(bytes[at])
    }

    /// Records the path and its dotted-key ancestors, first occurrence wins.
    private mutating func record(_ path: Path) {
        for end in stride(from: path.count, through: 1, by: -1) where lines[Array(path.prefix(end))] == nil {
            lines[Array(path.prefix(end))] = line
        }
    }

    /// Reads `a."b c".d` up to `=`, `]`, a comment or the end of the line, leaving the
    /// index on that delimiter.
    private mutating func keyComponents() -> Path {
        var components: Path = []
        while let byte = peek() {
            switch byte {
            case Self.space, Self.tab, UInt8(ascii: "."):
                index += 1
            case Self.quote, Self.apostrophe:
                if let text = string() { components.append(text) }
            case Self.equals, Self.close, Self.newline, Self.hash:
                return components
            default:
                let start = index
                while let next = peek(), Self.isBareKeyByte(next) { index += 1 }
                if index == start { syntaxByte() }
                components.append(String(decoding: bytes[start..<min(index, bytes.count)], as: UTF8.self))
            }
        }
        return components
    }

    /// Skips a value to the end of its statement: the end of the line outside brackets,
    /// braces and strings.
    private mutating func skipValue() {
        var depth = 0
        while let byte = peek() {
            switch byte {
            case Self.quote, Self.apostrophe: _ = string()
            case Self.open, UInt8(ascii: "{"): depth += 1; index += 1
            case Self.close, UInt8(ascii: "}"): depth = max(0, depth - 1); index += 1
            case Self.hash: skipComment()
            case Self.newline:
                nextLine()
                if depth == 0 { return }
            default: syntaxByte()
            }
        }
    }

    /// A string at the index: the text of a one-line string, nil for a multi-line one.
    /// An unterminated one-line string ends before the newline (toml++ reports it).
    private mutating func string() -> String? {
        let quote = bytes[index], escapes = quote == Self.quote
        let multiline = peek(1) == quote && peek(2) == quote
        index += multiline ? 3 : 1
        let start = index
        while let byte = peek() {
            if !multiline && byte == quote { break }
            if multiline && byte == quote && peek(1) == quote && peek(2) == quote {
                index += 3
                // Up to two more quotes belong to the content: """a""""" is valid.
                while peek() == quote { index += 1 }
                return nil
            }
            if byte == Self.newline {
                guard multiline else { break }
                nextLine()
            } else {
                index += 1
                // An escaped newline still counts as a line; an escaped quote ends nothing.
                if escapes && byte == UInt8(ascii: "\\") && peek() != nil && peek() != Self.newline { index += 1 }
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if peek() == quote { index += 1 }
        return multiline ? nil : text
    }

    private mutating func skipComment() {
        while let byte = peek(), byte != Self.newline { index += 1 }
    }
}
