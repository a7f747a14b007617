import ArgumentParser
import Control

/// `tierctl reload`: re-read config and users file, and say what changed (tier moves, kernel
/// objects). A refused reload exits 78 and lists every config error; the daemon keeps
/// running on the last good config. `tierctl plan` shows the same report beforehand.
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
        guard !json else { return }
        switch reply {
        case .done:  // a daemon from before reloads reported what they changed
            Output.line("reloaded")
        case .reloaded(let report):
            Output.line("reloaded")
            Output.text(ReloadReportText.render(report, planned: false))
        default:
            throw DaemonCall.unexpected(reply, for: .reload)
        }
    }
}
