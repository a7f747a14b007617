/// Splits one CSV line into fields: the users file's grammar, shared with the LibreQoS
/// importer (ShapedDevices.csv quotes its address lists the same way).
///
/// DECISION: RFC 4180 quoting is supported within a line (`"a ""b""",c`), because
/// spreadsheets quote fields on export; quoted newlines are not (a record is one line,
/// so every error has a single line number). Unquoted fields are trimmed of spaces and
/// tabs; quoted ones are kept verbatim. No CSV package is mirrored here, and this is
/// the whole grammar the users file needs.
public enum CSVFieldSplitter {
    public enum Failure: Error, Equatable {
        case unterminatedQuote(field: Int)
        case textAfterQuote(field: Int)
    }

    public static func split(_ line: Substring) -> Result<[String], Failure> {
        var fields: [String] = []
        var characters = line[...]
        while true {
            let fieldNumber = fields.count + 1
            let leading = characters.prefix { $0 == " " || $0 == "\t" }
            if characters.dropFirst(leading.count).first == "\"" {
                characters = characters.dropFirst(leading.count + 1)
                var value = ""
                var closed = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if character == "\"" {
                        if characters.first == "\"" {
                            value.append("\"")
                            characters = characters.dropFirst()
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return .failure(.unterminatedQuote(field: fieldNumber)) }
                characters = characters.drop { $0 == " " || $0 == "\t" }
                fields.append(value)
                guard let next = characters.first else { return .success(fields) }
                guard next == "," else { return .failure(.textAfterQuote(field: fieldNumber)) }
                characters = characters.dropFirst()
            } else {
                let end = characters.firstIndex(of: ",") ?? characters.endIndex
                fields.append(trimmed(characters[..<end]))
                guard end < characters.endIndex else { return .success(fields) }
                characters = characters[characters.index(after: end)...]
            }
        }
    }

    /// `text` without leading and trailing spaces and tabs (what unquoted fields get).
    public static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
