/// Where the tables and keys of a config text are written, and whether the text holds an
/// input toml++ would abort on: the one scan of the text besides toml++'s own.
///
/// WHY lines: TOMLKit 0.6.0 reports a position only for syntax errors; its nodes carry no
/// source region (toml++ tracks one, but the Swift wrapper does not expose it). Semantic
/// errors ("rate below floor") must still say `file:line`.
///
/// WHY `problem`: `tierd --check` and reload must answer a broken config with `file:line`,
/// never crash. `ConfigMutationTests` found two inputs that hit toml++'s
/// `TOML_ASSERT_ASSUME(is_bare_key_character(*cp) || is_string_delimiter(*cp))` in
/// `parse_key`, which is compiled into release builds too (SIGABRT):
/// - a table header whose name starts with anything else, e.g. `[# comment`, `[=x]`;
/// - a non-ASCII byte outside strings and comments, e.g. `[\u{FFFD}etwork]` (TOML allows
///   non-ASCII only inside strings and comments, so refusing it loses nothing).
/// Everything else is left to toml++, which reports it properly; the lines are only
/// meaningful for a text toml++ accepted.
struct TOMLSourceIndex {
    /// Key path; an element of an array of tables appears as "[index]" after its name,
    /// e.g. ["tier", "[1]", "download"] for the second `[[tier]]`'s `download`.
    typealias Path = [String]

    /// An input toml++ must not see, located.
    struct Problem: Equatable {
        let line: Int
        let message: String
    }

    let problem: Problem?
    private let lines: [Path: Int]

    init(text: String) {
        var scanner = TOMLSourceScanner(bytes: Array(text.utf8))
        scanner.scan()
        problem = scanner.problem
        lines = scanner.lines
    }

    /// Line of exactly this path, if it was written in the text.
    func line(of path: Path) -> Int? {
        lines[path]
    }

    /// Line of the path or of its closest written ancestor; 0 when none (the whole file).
    func nearestLine(of path: Path) -> Int {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return 0
    }
}
