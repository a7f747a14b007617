import ArgumentParser

/// `tierctl import FORMAT ...`: builds tierd's files from another shaper's. Works on files
/// only; the daemon is not contacted.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert another shaper's subscriber list into a tierd users file and tiers.",
        subcommands: [LibreQoSImportCommand.self]
    )
}
