/// Lines `tierd --check` prints besides errors. A warning reads `file:line: warning: message`
/// (`file: warning: message` for line 0), the form `ConfigError` uses for errors, so both
/// grep and jump alike.
enum ConfigNotice {
    static func warning(file: String, line: Int, _ message: String) -> String {
        line > 0 ? "\(file):\(line): warning: \(message)" : "\(file): warning: \(message)"
    }
}
