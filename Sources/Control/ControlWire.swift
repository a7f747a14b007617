import Foundation

/// Encoding of protocol values to one JSON line and back, shared by server and client.
///
/// Keys are sorted so a reply is byte-for-byte reproducible (tests, diffs of `--json`
/// output); slashes are not escaped so addresses with prefixes stay readable.
public enum ControlWire {
    public static func encodeLine<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from line: some StringProtocol) throws -> Value {
        try JSONDecoder().decode(type, from: Data(line.utf8))
    }
}
