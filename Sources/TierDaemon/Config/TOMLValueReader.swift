import Control
import TOMLKit

/// Typed, error-collecting access to the value of one key of one TOML table.
///
/// WHY not `Codable`: TOMLKit's decoder stops at the first error and rejects an integer
/// where a `Double` is expected; operators need every error at once and may write
/// `baseline = 1000` as well as `1000.0`. Each accessor returns nil after recording a
/// `file:line: message` error when the value is present but wrong, and nil silently
/// when the key is absent (the caller applies the default or reports it as required).
struct TOMLValueReader {
    /// nil when the key is not written.
    let value: TOMLValueConvertible?
    /// How the table is named in messages: "daemon" gives "daemon.reconcile_interval".
    let prefix: String
    let key: String
    /// Line of the key, or of its table when the key is not written.
    let line: Int
    let diagnostics: ConfigDiagnostics

    /// The key as messages name it: "daemon.reconcile_interval".
    var name: String { "\(prefix).\(key)" }

    func error(_ problem: String) {
        diagnostics.add(line: line, "\(name) \(problem)")
    }

    /// The value as `convert` reads it; nil after reporting "`expected`, found ..." when
    /// it cannot.
    private func typed<Value>(_ convert: (TOMLValueConvertible) -> Value?, _ expected: String) -> Value? {
        guard let value else { return nil }
        guard let converted = convert(value) else {
            error("\(expected), found \(Self.describe(value))")
            return nil
        }
        return converted
    }

    func string() -> String? { typed({ $0.string }, "must be a string") }

    func bool() -> Bool? { typed({ $0.bool }, "must be true or false") }

    func integer() -> Int? { typed({ $0.int }, "must be an integer") }

    /// A finite number; TOML integers and floats are both accepted.
    func number() -> Double? {
        accepted(typed(Self.double, "must be a number"), if: \.isFinite, else: {
            "must be a finite number, found \($0)"
        })
    }

    /// A rate in bit/s: a tc-style string ("20mbit") or a bare number of bit/s.
    func rate() -> UInt64? {
        guard let value else { return nil }
        if let text = value.string {
            return reported(RateParser.parse(text), else: "has an invalid rate \"\(text)\" (expected a number and one of bit kbit mbit gbit tbit, bps kbps mbps gbps tbps)")
        }
        if let integer = value.int {
            return reported(integer >= 0 ? UInt64(integer) : nil, else: "must not be negative, found \(integer)")
        }
        if let float = value.double {
            let valid = float.isFinite && float >= 0 && float < 1.8e19
            return reported(valid ? UInt64(float.rounded()) : nil, else: "must be a non-negative rate, found \(value.debugDescription)")
        }
        error("must be a rate like \"20mbit\", found \(Self.describe(value))")
        return nil
    }

    /// A duration in seconds: a string ("15m", "1h30m") or a bare number of seconds.
    func duration() -> Double? {
        guard let value else { return nil }
        if let text = value.string {
            return reported(DurationParser.parse(text), else: "has an invalid duration \"\(text)\" (expected e.g. \"30s\", \"15m\", \"1h30m\"; units ms s m h d)")
        }
        return accepted(typed(Self.double, "must be a duration like \"30s\""), if: { $0.isFinite && $0 >= 0 }, else: { _ in
            "must not be negative, found \(value.debugDescription)"
        })
    }

    func stringArray() -> [String]? {
        guard let array = typed({ $0.array }, "must be an array of strings") else { return nil }
        var strings: [String] = []
        for element in array {
            guard let text = element.string else {
                error("must contain only strings, found \(Self.describe(element))")
                return nil
            }
            strings.append(text)
        }
        return strings
    }

    /// `read` (one of the accessors' results) if it passes `isValid`; otherwise nil after
    /// reporting `problem` about it.
    func accepted<Value>(_ read: Value?, if isValid: (Value) -> Bool, else problem: (Value) -> String) -> Value? {
        guard let read else { return nil }
        guard isValid(read) else {
            error(problem(read))
            return nil
        }
        return read
    }

    /// `result`, or nil after reporting `problem` when there is none.
    private func reported<Value>(_ result: Value?, else problem: @autoclosure () -> String) -> Value? {
        if result == nil { error(problem()) }
        return result
    }

    /// An absolute path.
    func absolutePath() -> String? {
        accepted(string(), if: { $0.hasPrefix("/") }, else: { "must be an absolute path, found \"\($0)\"" })
    }

    /// An absolute path short enough for a Unix socket's `sun_path`.
    func socketPath() -> String? {
        accepted(absolutePath(), if: { $0.utf8.count <= ConfigNameRules.maxSocketPathBytes }, else: {
            "is too long for a Unix socket path (\($0.utf8.count) bytes, at most \(ConfigNameRules.maxSocketPathBytes))"
        })
    }

    /// A TOML integer or float as a Double.
    private static func double(_ value: TOMLValueConvertible) -> Double? {
        value.int.map(Double.init) ?? value.double
    }

    /// "integer 5", "boolean", "a table": what the operator wrote, for messages.
    static func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .table: "a table"
        case .array: "an array"
        case .string: "string \(value.debugDescription)"
        case .int: "integer \(value.debugDescription)"
        case .double: "number \(value.debugDescription)"
        case .bool: "boolean \(value.debugDescription)"
        case .date, .time, .dateTime: "date/time \(value.debugDescription)"
        }
    }
}
