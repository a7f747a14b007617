import ArgumentParser
import Control

/// `tierctl metrics`: the daemon's Prometheus text exposition, raw (pipe it to a file for
/// node_exporter's textfile collector).
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the daemon's metrics in Prometheus text format."
    )

    @ParentCommand var tierctl: Tierctl

    @Flag(help: "Print the daemon's JSON reply (the text under \"metrics\").")
    var json = false

    func run() async throws {
        let reply = try await DaemonCall.reply(to: .metrics, with: tierctl.client, json: json)
        guard case .metrics(let text) = reply else { throw DaemonCall.unexpected(reply, for: .metrics) }
        guard !json else { return }
        Output.text(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
    }
}
