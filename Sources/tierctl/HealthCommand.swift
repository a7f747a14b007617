import ArgumentParser
import Control

/// `tierctl health [--json]`: the daemon's self-check. Exits 0 when healthy and 1 when
/// degraded (in both output modes), so it works as a monitoring probe.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Show whether the daemon and the kernel state are healthy (exit 1 when degraded)."
    )

    @ParentCommand var tierctl: Tierctl

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func run() async throws {
        let reply = try await DaemonCall.reply(to: .health, with: tierctl.client, json: json)
        guard case .health(let report) = reply else { throw DaemonCall.unexpected(reply, for: .health) }
        if !json { Output.text(HealthListing.render(report)) }
        if report.status != .ok { throw ExitCode(1) }
    }
}
