/// `key:  value` lines with the values aligned, for one record.
enum KeyValueListing {
    static func render(_ pairs: [(String, String)]) -> String {
        let width = (pairs.map { $0.0.count }.max() ?? 0) + 1
        return pairs.map { key, value in
            (key + ":").padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value
        }.joined(separator: "\n") + "\n"
    }
}
