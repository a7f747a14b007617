import ArgumentParser
import Control

/// `tierctl [--socket PATH] COMMAND`: the operator's client for tierd's control socket.
///
/// One file per subcommand (as WireGuard's `wg`). Exit codes follow sysexits, as the
/// contract says: 0 ok, 1 failure, 64 usage, 66 input file unreadable (plan), 69 daemon
/// unreachable, 77 permission denied, 78 config error.
@main
struct Tierctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tierctl",
        abstract: "Query and steer tierd, the per-user bandwidth tier daemon.",
        discussion: """
            Talks to tierd over its control socket (JSON Lines). Read commands print a table by \
            default and the daemon's JSON reply with --json.

            Exit status: 0 ok, 1 failure, 64 usage error, 66 an input file could not be read \
            (plan, import), 69 daemon unreachable or busy, 77 permission denied, 78 configuration \
            error (reload or plan refused); `import` (files only) 65 rows skipped, 73 output unwritable.
            """,
        version: "0.1.0",
        subcommands: [
            StatusCommand.self, ExplainCommand.self, OverrideCommand.self, ClearCommand.self,
            PushCommand.self, ReloadCommand.self, PlanCommand.self, TopCommand.self, MetricsCommand.self, HealthCommand.self,
            ImportCommand.self,
        ]
    )

    @Option(name: .long, help: ArgumentHelp("Control socket of the daemon.", valueName: "path"),
            completion: .file())
    var socket: String = ControlClient.defaultSocketPath

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the daemon's reply.", valueName: "seconds"))
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// The client for the options given before the subcommand.
    var client: ControlClient {
        ControlClient(socketPath: socket, timeout: .milliseconds(Int64(timeout * 1000)))
    }
}
