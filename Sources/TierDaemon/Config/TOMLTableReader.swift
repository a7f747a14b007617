import Control
import TOMLKit

/// Typed, error-collecting access to one TOML table.
///
/// WHY not `Codable`: TOMLKit's decoder stops at the first error and rejects an integer
/// where a `Double` is expected; operators need every error at once and may write
/// `baseline = 1000` as well as `1000.0`. Each accessor returns nil after recording a
/// `file:line: message` error when the value is present but wrong, and nil silently
/// when the key is absent (the caller applies the default or reports it as required).
struct TOMLTableReader {
    let table: TOMLTable
    /// Key path of this table in the locator.
    let path: TOMLKeyLocator.Path
    /// How keys are named in messages: "daemon" gives "daemon.reconcile_interval".
    let prefix: String
    /// How the table is named in messages: "[daemon]" or "[[tier]]".
    let heading: String
    let locator: TOMLKeyLocator
    let diagnostics: ConfigDiagnostics

    /// Line of the table's header (0 when the table is not written out).
    var line: Int { locator.nearestLine(of: path) }

    func line(of key: String) -> Int { locator.nearestLine(of: path + [key]) }

    func name(of key: String) -> String { "\(prefix).\(key)" }

    func has(_ key: String) -> Bool { table.contains(key: key) }

    func error(_ key: String, _ problem: String) {
        diagnostics.add(line: line(of: key), "\(name(of: key)) \(problem)")
    }

    /// Reports every key not in `allowed`, at its own line.
    func rejectUnknownKeys(allowed: Set<String>) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            diagnostics.add(
                line: line(of: key),
                "unknown key \"\(key)\" in \(heading)\(KeySuggestion.hint(for: key, among: allowed))"
            )
        }
    }

    func string(_ key: String) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            error(key, "must be a string, found \(Self.describe(value))")
            return nil
        }
        return text
    }

    func bool(_ key: String) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else {
            error(key, "must be true or false, found \(Self.describe(value))")
            return nil
        }
        return flag
    }

    /// A finite number; TOML integers and floats are both accepted.
    func number(_ key: String) -> Double? {
        guard let value = table[key] else { return nil }
        let number: Double
        if let integer = value.int {
            number = Double(integer)
        } else if let float = value.double {
            number = float
        } else {
            error(key, "must be a number, found \(Self.describe(value))")
            return nil
        }
        guard number.isFinite else {
            error(key, "must be a finite number, found \(value.debugDescription)")
            return nil
        }
        return number
    }

    func integer(_ key: String) -> Int? {
        guard let value = table[key] else { return nil }
        guard let integer = value.int else {
            error(key, "must be an integer, found \(Self.describe(value))")
            return nil
        }
        return integer
    }

    /// A rate in bit/s: a tc-style string ("20mbit") or a bare number of bit/s.
    func rate(_ key: String) -> UInt64? {
        guard let value = table[key] else { return nil }
        if let text = value.string {
            guard let rate = RateParser.parse(text) else {
                error(key, "has an invalid rate \"\(text)\" (expected a number and one of bit kbit mbit gbit tbit, bps kbps mbps gbps tbps)")
                return nil
            }
            return rate
        }
        if let integer = value.int {
            guard integer >= 0 else {
                error(key, "must not be negative, found \(integer)")
                return nil
            }
            return UInt64(integer)
        }
        if let float = value.double {
            guard float.isFinite, float >= 0, float < 1.8e19 else {
                error(key, "must be a non-negative rate, found \(value.debugDescription)")
                return nil
            }
            return UInt64(float.rounded())
        }
        error(key, "must be a rate like \"20mbit\", found \(Self.describe(value))")
        return nil
    }

    /// A duration in seconds: a string ("15m", "1h30m") or a bare number of seconds.
    func duration(_ key: String) -> Double? {
        guard let value = table[key] else { return nil }
        if let text = value.string {
            guard let seconds = DurationParser.parse(text) else {
                error(key, "has an invalid duration \"\(text)\" (expected e.g. \"30s\", \"15m\", \"1h30m\"; units ms s m h d)")
                return nil
            }
            return seconds
        }
        let seconds: Double
        if let integer = value.int {
            seconds = Double(integer)
        } else if let float = value.double {
            seconds = float
        } else {
            error(key, "must be a duration like \"30s\", found \(Self.describe(value))")
            return nil
        }
        guard seconds.isFinite, seconds >= 0 else {
            error(key, "must not be negative, found \(value.debugDescription)")
            return nil
        }
        return seconds
    }

    func stringArray(_ key: String) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else {
            error(key, "must be an array of strings, found \(Self.describe(value))")
            return nil
        }
        var strings: [String] = []
        for element in array {
            guard let text = element.string else {
                error(key, "must contain only strings, found \(Self.describe(element))")
                return nil
            }
            strings.append(text)
        }
        return strings
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
