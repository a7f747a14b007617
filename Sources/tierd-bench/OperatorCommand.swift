import ArgumentParser
import Foundation

/// `tierd-bench operator`: what `tierctl top` (`counters`) and `tierctl plan` cost at the
/// given user counts, against the release tierd (see `OperatorBenchmark`).
struct OperatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Cost of the counters (tierctl top) and plan commands at scale, against the real tierd.")

    @Option(help: "User counts, comma-separated (every user throttled).")
    var users = "1000,10000,50000"

    @Option(help: "Samples per measurement (medians are reported).")
    var samples = 5

    @Option(help: "The tierd executable (default: next to tierd-bench).")
    var tierd: String?

    @Option(help: "Also write the results as JSON to this path.")
    var json: String?

    func run() throws {
        NamespaceRegistry.installSignalCleanup()
        var results: [OperatorBenchmark.Result] = []
        for count in users.split(separator: ",").compactMap({ Int($0) }) {
            let result = try OperatorBenchmark.run(users: count, samples: samples, tierd: tierd) { print($0) }
            print(result)
            results.append(result)
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
        }
    }
}
