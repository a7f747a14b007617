import Control

/// A free-form JSON value (an explanation) as an indented key/value listing:
///
///     rule: hysteresis
///     score: 640
///     thresholds:
///       - full: 800
///     override: -
///
/// Object keys are sorted (JSON objects have no order); null prints as `-`.
enum JSONListing {
    static func render(_ value: JSONValue) -> String {
        var lines: [String] = []
        append(value, indent: "", into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func append(_ value: JSONValue, indent: String, into lines: inout [String]) {
        switch value {
        case .object(let members):
            for key in members.keys.sorted() { member(key + ":", members[key]!, indent: indent, into: &lines) }
        case .array(let items):
            for item in items { member("-", item, indent: indent, into: &lines) }
        default:
            lines.append(indent + scalar(value))
        }
    }

    private static func member(_ label: String, _ value: JSONValue, indent: String, into lines: inout [String]) {
        switch value {
        case .object(let members) where !members.isEmpty:
            lines.append(indent + label)
            append(value, indent: indent + "  ", into: &lines)
        case .array(let items) where !items.isEmpty:
            lines.append(indent + label)
            append(value, indent: indent + "  ", into: &lines)
        default:
            lines.append(indent + label + " " + scalar(value))
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "-"
        case .bool(let flag): flag ? "yes" : "no"
        case .integer(let number): String(number)
        case .number(let number): Formatting.number(number)
        case .string(let text): text
        case .array: "[]"
        case .object: "{}"
        }
    }
}
