import Scoring

/// Reads the CSV shorthand of the feed:
///
/// ```
/// user,score          alice,640
/// user,score,ts       alice,640,2026-11-27T05:00:00Z   (or Unix seconds: alice,640,1795755600)
/// user,delta=N[,ts]   alice,delta=-40
/// ```
///
/// Numbers follow the JSON grammar (`-40`, `6.5e2`; not `+40`). Spaces and tabs around a
/// field are ignored; there is no quoting (no field can need it: ids, numbers and
/// timestamps have no commas) and no `reason` (use JSON for that). A header line
/// `user,score` or `user,score,ts` is skipped as blank so a spreadsheet export works.
struct FeedCSVLineReader {
    private static let deltaPrefix = Array("delta=".utf8)

    /// `line` is trimmed and known to contain a comma.
    static func read(_ line: UnsafeRawBufferPointer) throws(FeedRejectionReason) -> ScoreEvent? {
        var fields: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer?)
        guard let firstComma = line.firstIndex(of: ASCII.comma) else { throw .malformedCSV }
        let rest = line.index(after: firstComma)
        let first = trimmed(line, 0..<firstComma)
        if let secondComma = line[rest...].firstIndex(of: ASCII.comma) {
            let third = line.index(after: secondComma)
            guard !line[third...].contains(ASCII.comma) else { throw .malformedCSV }
            fields = (first, trimmed(line, rest..<secondComma), trimmed(line, third..<line.count))
        } else {
            fields = (first, trimmed(line, rest..<line.count), nil)
        }
        let (userField, valueField, tsField) = fields
        if userField.elementsEqual("user".utf8), valueField.elementsEqual("score".utf8),
           tsField.map({ $0.elementsEqual("ts".utf8) }) ?? true {
            return nil
        }
        guard !userField.isEmpty else { throw .missingUser }
        let user = try FeedUserID.make(userField)
        let change: ScoreChange
        if valueField.starts(with: deltaPrefix) {
            change = .delta(try FeedNumber.parseScore(UnsafeRawBufferPointer(rebasing: valueField[deltaPrefix.count...])))
        } else {
            change = .set(try FeedNumber.parseScore(valueField))
        }
        var timestamp: Double?
        if let tsField {
            guard !tsField.isEmpty else { throw .malformedCSV }
            timestamp = try FeedTimestamp.parse(tsField)
        }
        return ScoreEvent(user: user, change: change, timestamp: timestamp)
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> UnsafeRawBufferPointer {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, line[lower] == ASCII.space || line[lower] == ASCII.tab { lower += 1 }
        while upper > lower, line[upper - 1] == ASCII.space || line[upper - 1] == ASCII.tab { upper -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[lower..<upper])
    }
}
