/// Collects errors while a loader walks its input, so one run reports all of them.
/// A class because every section reader appends to the same list; it never leaves the
/// loading call, so it needs no synchronization.
final class ConfigDiagnostics {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) {
        self.file = file
    }

    func add(line: Int, _ message: String) {
        errors.append(ConfigError(file: file, line: line, message: message))
    }

    /// Errors ordered by line (whole-file errors first), stable within a line.
    var sortedErrors: [ConfigError] {
        errors.enumerated()
            .sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
    }
}
