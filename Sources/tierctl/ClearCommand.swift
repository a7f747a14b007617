import ArgumentParser
import Control

/// `tierctl clear USER`: end a user's override; their score decides again.
struct ClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Remove a user's override."
    )

    @ParentCommand var tierctl: Tierctl

    @Argument(help: ArgumentHelp("User id.", valueName: "user"))
    var user: String

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func run() async throws {
        let reply = try await DaemonCall.reply(to: .clear(user: user), with: tierctl.client, json: json)
        guard !json else { return }
        switch reply {
        case .status(let status): Output.text(StatusTable.render(status))
        case .done: Output.line("\(user): override cleared")
        default: throw DaemonCall.unexpected(reply, for: .clear)
        }
    }
}
