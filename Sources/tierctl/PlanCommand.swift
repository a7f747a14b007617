import ArgumentParser
import Control

/// `tierctl plan --config FILE [--users FILE] [--json]`: what `reload` would do with these
/// files, computed by the running daemon and changed nowhere. tierctl reads the files and
/// sends their text (the daemon may not be able to read them); an unreadable file exits 66.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a reload of a config (and users file) would change, without changing anything.",
        discussion: """
            Lists the users who would change tier and why, the kernel objects (classes, \
            qdiscs, filters, classifier map entries) that would be created, changed and \
            deleted, and the settings that need a restart. Without --users, the daemon reads \
            the users file the new config names, as reload does. Exit status: 0 ok (also \
            when a restart would be required: it is listed), 66 a file could not be read, \
            78 the config has errors (listed).
            """
    )

    @ParentCommand var tierctl: Tierctl

    @Option(help: ArgumentHelp("The config to plan for.", valueName: "file"), completion: .file(extensions: ["toml"]))
    var config: String

    @Option(help: ArgumentHelp("The users file to plan for (default: the one the config names).", valueName: "file"),
            completion: .file(extensions: ["csv"]))
    var users: String?

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func run() async throws {
        let input: PlanInput
        do {
            input = try PlanInput.read(configPath: config, usersPath: users)
        } catch {
            Output.error(error.description)
            throw ExitCode(PlanInputError.exitCode)
        }
        let reply = try await DaemonCall.reply(to: .plan(input), with: tierctl.client, json: json)
        guard case .plan(let report) = reply else { throw DaemonCall.unexpected(reply, for: .plan) }
        if !json { Output.text(ReloadReportText.render(report, planned: true)) }
    }
}
