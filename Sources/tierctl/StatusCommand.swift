import ArgumentParser
import Control

/// `tierctl status [USER] [--json]`: every user as a table, or one user in detail.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the tier, score and rates of one user or of all users.",
        discussion: "A user who is not root or in the admin group sees only the users mapped to their account."
    )

    @ParentCommand var tierctl: Tierctl

    @Argument(help: ArgumentHelp("User id (from the users file); all users when omitted.", valueName: "user"))
    var user: String?

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func run() async throws {
        let reply = try await DaemonCall.reply(to: .status(user: user), with: tierctl.client, json: json)
        guard !json else { return }
        switch reply {
        case .users(let users): Output.text(StatusTable.render(users))
        case .status(let status): Output.text(StatusTable.render(status))
        default: throw DaemonCall.unexpected(reply, for: .status)
        }
    }
}
