/// The lines of a CSV file that carry content, numbered as an editor shows them: LF or
/// CRLF endings, a leading byte-order mark dropped, blank lines and lines starting with
/// `#` (after spaces) skipped. Shared by the users-file loader and the LibreQoS importer
/// (LibreQoS reads `#` lines as comments too).
public enum CSVLines {
    public static func content(of text: String) -> [(number: Int, text: Substring)] {
        // Split on scalars: Swift treats "\r\n" as one Character, so a Character split
        // on "\n" would not separate CRLF lines.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        var result: [(number: Int, text: Substring)] = []
        for (index, scalars) in lines.enumerated() {
            var line = Substring(String(scalars))
            if line.hasSuffix("\r") { line = line.dropLast() }
            if index == 0, line.first == "\u{FEFF}" { line = line.dropFirst() }
            let content = line.drop { $0 == " " || $0 == "\t" }
            if content.isEmpty || content.first == "#" { continue }
            result.append((index + 1, line))
        }
        return result
    }
}
