/// Source lines of the tables and keys of a TOML document.
///
/// WHY this exists: TOMLKit 0.6.0 reports a position only for syntax errors; its nodes
/// carry no source region (toml++ tracks one, but the Swift wrapper does not expose it).
/// Semantic errors ("rate below floor") must still say `file:line`, so this scanner walks
/// the already syntax-checked text once and records where each table header and key
/// starts. It skips what can hide key-like text: comments, basic and literal strings,
/// multi-line strings, and arrays or inline tables spanning lines. Keys inside inline
/// tables are not indexed; `nearestLine` falls back to the enclosing key's line.
struct TOMLKeyLocator {
    /// Key path; an element of an array of tables appears as "[index]" after its name,
    /// e.g. ["tier", "[1]", "download"] for the second `[[tier]]`'s `download`.
    typealias Path = [String]

    private var lines: [Path: Int] = [:]

    init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.run()
        lines = scanner.lines
    }

    /// Line of exactly this path, if it was written in the text.
    func line(of path: Path) -> Int? {
        lines[path]
    }

    /// Line of the path or of its closest written ancestor; 0 when none (the whole file).
    func nearestLine(of path: Path) -> Int {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return 0
    }

    /// The single pass over the bytes; TOML's structure is ASCII, so bytes suffice.
    private struct Scanner {
        enum Mode { case statement, value, multilineBasic, multilineLiteral }

        let bytes: [UInt8]
        var index = 0
        var line = 1
        var mode = Mode.statement
        var depth = 0
        var table: Path = []
        var arrayCounts: [Path: Int] = [:]
        var lines: [Path: Int] = [:]

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        func peek(_ offset: Int = 0) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        mutating func run() {
            while index < bytes.count {
                switch mode {
                case .statement: statement()
                case .value: value()
                case .multilineBasic: multiline(quote: UInt8(ascii: "\""), escapes: true)
                case .multilineLiteral: multiline(quote: UInt8(ascii: "'"), escapes: false)
                }
            }
        }

        mutating func statement() {
            guard let byte = peek() else { return }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                line += 1
                index += 1
            case UInt8(ascii: "#"):
                skipComment()
            case UInt8(ascii: "["):
                header()
            default:
                let key = keyComponents()
                record(table + key)
                if peek() == UInt8(ascii: "=") { index += 1 }
                mode = .value
                depth = 0
            }
        }

        mutating func header() {
            let isArray = peek(1) == UInt8(ascii: "[")
            index += isArray ? 2 : 1
            let components = keyComponents()
            while let byte = peek(), byte == UInt8(ascii: "]") { index += 1 }
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

        /// Records the path and its dotted-key ancestors, first occurrence wins.
        mutating func record(_ path: Path) {
            for end in stride(from: path.count, through: 1, by: -1) {
                let prefix = Array(path.prefix(end))
                if lines[prefix] == nil { lines[prefix] = line }
            }
        }

        /// Reads `a."b c".d` up to `=` or `]`, leaving the index on that delimiter.
        mutating func keyComponents() -> Path {
            var components: Path = []
            while let byte = peek() {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "."):
                    index += 1
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    components.append(quotedKey(quote: byte))
                case UInt8(ascii: "="), UInt8(ascii: "]"), UInt8(ascii: "\n"), UInt8(ascii: "#"):
                    return components
                default:
                    let start = index
                    while let next = peek(), Self.isBareKeyByte(next) { index += 1 }
                    if index == start { index += 1 }
                    components.append(String(decoding: bytes[start..<index], as: UTF8.self))
                }
            }
            return components
        }

        static func isBareKeyByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }

        mutating func quotedKey(quote: UInt8) -> String {
            index += 1
            let start = index
            while let byte = peek(), byte != quote, byte != UInt8(ascii: "\n") {
                index += (byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"")) ? 2 : 1
            }
            let end = min(index, bytes.count)
            index += 1
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        mutating func value() {
            guard let byte = peek() else { return }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if peek(1) == byte && peek(2) == byte {
                    index += 3
                    mode = byte == UInt8(ascii: "\"") ? .multilineBasic : .multilineLiteral
                } else {
                    _ = quotedKey(quote: byte)
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                index += 1
            case UInt8(ascii: "#"):
                skipComment()
            case UInt8(ascii: "\n"):
                line += 1
                index += 1
                if depth <= 0 { mode = .statement }
            default:
                index += 1
            }
        }

        mutating func multiline(quote: UInt8, escapes: Bool) {
            guard let byte = peek() else { return }
            if escapes && byte == UInt8(ascii: "\\") {
                if peek(1) == UInt8(ascii: "\n") { line += 1 }
                index += 2
            } else if byte == quote && peek(1) == quote && peek(2) == quote {
                index += 3
                // Up to two more quotes may belong to the content: """a""""" is valid.
                while peek() == quote { index += 1 }
                mode = .value
            } else {
                if byte == UInt8(ascii: "\n") { line += 1 }
                index += 1
            }
        }

        mutating func skipComment() {
            while let byte = peek(), byte != UInt8(ascii: "\n") { index += 1 }
        }
    }
}
