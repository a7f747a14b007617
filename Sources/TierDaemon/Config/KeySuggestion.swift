/// "did you mean" hints for misspelled keys: a typo is the usual cause of an unknown
/// key, and naming the intended key saves a trip to the docs.
enum KeySuggestion {
    /// The allowed key closest to `key` by edit distance, if it is close enough to be a
    /// plausible typo (at most 2 edits, and fewer than half the key's length).
    static func closest(to key: String, among allowed: some Collection<String>) -> String? {
        let candidates = allowed
            .map { ($0, distance(key, $0)) }
            .filter { $0.1 <= 2 && $0.1 * 2 < max(key.count, 1) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return candidates.first?.0
    }

    /// " (did you mean \"x\"?)" or "".
    static func hint(for key: String, among allowed: some Collection<String>) -> String {
        closest(to: key, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
    }

    /// Levenshtein distance over Characters (two-row dynamic programming).
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
