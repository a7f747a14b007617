import ArgumentParser
import Control

/// `tierctl explain USER [--json]`: why the user is in their tier, as the daemon explains it.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain which score, threshold and rule put a user in their tier."
    )

    @ParentCommand var tierctl: Tierctl

    @Argument(help: ArgumentHelp("User id.", valueName: "user"))
    var user: String

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func run() async throws {
        let reply = try await DaemonCall.reply(to: .explain(user: user), with: tierctl.client, json: json)
        guard !json else { return }
        guard case .explanation(let explanation) = reply else { throw DaemonCall.unexpected(reply, for: .explain) }
        Output.text(ExplainView.render(explanation))
    }
}
