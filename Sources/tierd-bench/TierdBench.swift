import ArgumentParser

/// `tierd-bench`: measures tierd against `tc -batch` of the same work, in one run, in
/// namespaces it creates and deletes. Prints a table; `--json PATH` writes the numbers.
/// Build and run in release: `swift build -c release --product tierd-bench`.
@main
struct TierdBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tierd-bench",
        abstract: "Benchmark tierd's kernel programming, data plane, scoring core and feed against the alternatives.",
        subcommands: [BenchRunCommand.self, ScaleCommand.self, DataplaneCommand.self, OperatorCommand.self, RSSCommand.self],
        defaultSubcommand: BenchRunCommand.self)
}
