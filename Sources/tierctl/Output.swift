import Foundation

/// Writes to stdout/stderr. `FileHandle` rather than `print`/`fputs(stderr)`, so error text
/// goes to stderr without touching C globals that Swift 6 considers unsafe.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func text(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("tierctl: " + text + "\n").utf8))
    }
}
