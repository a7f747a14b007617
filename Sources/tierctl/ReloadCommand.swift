import ArgumentParser
import Control

/// `tierctl reload`: re-read config and users file. A refused reload exits 78 and lists
/// every config error; the daemon keeps running on the last good config.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Reload the config and users file (every error is printed; the old config stays in force)."
    )

    @ParentCommand var tierctl: Tierctl

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func run() async throws {
        let reply = try await DaemonCall.reply(to: .reload, with: tierctl.client, json: json)
        guard case .done = reply else { throw DaemonCall.unexpected(reply, for: .reload) }
        if !json { Output.line("reloaded") }
    }
}
