import ArgumentParser
import Control

/// `tierctl override USER TIER [--for DURATION] [--reason TEXT]`: pin a user to a tier.
struct OverrideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "override",
        abstract: "Put a user in a tier regardless of score, until cleared or for a while."
    )

    @ParentCommand var tierctl: Tierctl

    @Argument(help: ArgumentHelp("User id.", valueName: "user"))
    var user: String

    @Argument(help: ArgumentHelp("Tier name from the config.", valueName: "tier"))
    var tier: String

    @Option(name: .customLong("for"),
            help: ArgumentHelp("How long the override lasts (e.g. 90s, 30m, 2h, 1d); until cleared when omitted.",
                               valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Why, for the audit log.", valueName: "text"))
    var reason: String?

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func validate() throws {
        if let duration, DurationParser.parse(duration) == nil {
            throw ValidationError("--for: '\(duration)' is not a duration (a number with ms, s, m, h or d, e.g. 2h or 1h30m)")
        }
    }

    func run() async throws {
        let request = ControlRequest.override(user: user, tier: tier, duration: duration, reason: reason)
        let reply = try await DaemonCall.reply(to: request, with: tierctl.client, json: json)
        guard !json else { return }
        switch reply {
        case .status(let status): Output.text(StatusTable.render(status))
        case .done: Output.line("\(user): override to \(tier)" + (duration.map { " for \($0)" } ?? " until cleared"))
        default: throw DaemonCall.unexpected(reply, for: .override)
        }
    }
}
