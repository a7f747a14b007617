import ArgumentParser
import Foundation

/// Which part of the benchmark to run.
enum BenchPart: String, ExpressibleByArgument, CaseIterable {
    case kernel
    /// Of `kernel`: only the cold applies (tierd, floor, flat; `--sizes` and the sparse row).
    case cold
    /// Of `kernel`: only restart adoption and the one-user change latencies.
    case changes
    case scoring
    case feed
    /// Feed line to kernel through a real tierd process (also part of `kernel`).
    case latency
    /// Cold start of a real tierd process from a 10k-user feed backlog vs tc -batch (also part of `kernel`).
    case coldStart = "cold-start"
}

/// The benchmark proper (the default subcommand).
struct BenchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the benchmarks and print the table.")

    @Option(help: "Cold apply sizes (users, all throttled), comma separated.")
    var sizes = "1000,10000,30000"

    @Option(help: "Also write the results as JSON to this path.")
    var json: String?

    @Option(help: "Run only one part: kernel, scoring, feed, latency (feed line to kernel through tierd), cold-start (tierd from a feed backlog), or of kernel only cold (cold applies) or changes (adoption and one-user changes).")
    var only: BenchPart?

    @Option(help: "Stop a flat tc -batch run after this many seconds and report a lower bound.")
    var flatTimeout = 100.0

    @Option(help: "Samples each large-tree latency series takes at least (then up to 10,000 within 30 s). Below 10,000 the rows that create classes stop at 30 s: for a busy machine.")
    var minSamples = 10_000

    @Option(help: "Users in the cold start from a feed backlog row (all throttled).")
    var coldStartUsers = 10_000

    @Option(help: "Pairs of measurements (tierd, tc floor) in the cold start row; medians are reported.")
    var coldStartRuns = 1

    @Flag(help: "Small sizes for a smoke run (numbers are not comparable with a full run).")
    var quick = false

    func validate() throws {
        guard parsedSizes.count > 0, parsedSizes.allSatisfy({ $0 > 0 && $0 <= 60_000 }) else {
            throw ValidationError("--sizes must be a comma separated list of user counts between 1 and 60000")
        }
        guard (1...10_000).contains(minSamples) else { throw ValidationError("--min-samples must be between 1 and 10000") }

        guard coldStartUsers > 0 && coldStartUsers <= 60_000 else {
            throw ValidationError("--cold-start-users must be between 1 and 60000")
        }
        guard coldStartRuns > 0 && coldStartRuns <= 20 else {
            throw ValidationError("--cold-start-runs must be between 1 and 20")
        }
    }

    private var parsedSizes: [Int] {
        sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() throws {
        NamespaceRegistry.installSignalCleanup()
        var results = BenchResults()
        results.quick = quick
        results.machine = MachineInfo.current()
        let log: (String) -> Void = { message in
            FileHandle.standardError.write(Data("[tierd-bench] \(message)\n".utf8))
        }
        let parts = only.map { [$0] } ?? [.scoring, .feed, .kernel]
        // CPU-only parts first: the scoring core's bytes/user is RSS growth, cleanest in a fresh process.
        if parts.contains(.scoring) {
            let (users, events) = quick ? (100_000, 1_000_000) : (1_000_000, 10_000_000)
            log("scoring core: \(users) users, \(events) events")
            results.scoring = CoreBenchmarks.scoring(users: users, events: events)
        }
        if parts.contains(.feed) {
            let lines = quick ? 200_000 : 2_000_000
            log("feed: \(lines) lines")
            results.feed = try CoreBenchmarks.feed(lines: lines)
        }
        let kernelParts = parts.contains(.kernel) ? [.cold, .changes] : parts.filter { $0 == .cold || $0 == .changes }
        if !kernelParts.isEmpty {
            guard getuid() == 0 else { throw ValidationError("the kernel benchmarks need root (network namespaces)") }
            let kernel = KernelBenchmark(
                sizes: quick ? [200, 1_000] : parsedSizes,
                sparseUsers: quick ? 5_000 : 50_000, sparseThrottled: quick ? 500 : 5_000,
                largeTreeUsers: quick ? 1_000 : 10_000,
                smallTreeChanges: quick ? 1_000 : 10_000,
                largeTreeBudgetSeconds: quick ? 2 : 30, minimumLargeSamples: quick ? 200 : minSamples,
                flatTimeoutSeconds: flatTimeout,
                log: log)
            if kernelParts.contains(.cold) { try kernel.runColdApply(into: &results) }
            if kernelParts.contains(.changes) { try kernel.runChanges(into: &results) }
        }
        if parts.contains(.kernel) {
            log("peak RSS child: \(quick ? 5_000 : 50_000) users")
            results.peakRSS = try RSSBenchmark.run(users: quick ? 5_000 : 50_000, throttled: quick ? 500 : 5_000)
        }
        if parts.contains(.kernel) || parts.contains(.latency) {
            guard getuid() == 0 else { throw ValidationError("the latency benchmark needs root (network namespaces)") }
            log("feed line -> kernel latency: the tierd next to tierd-bench (swift build -c release builds both)")
            results.feedLatency = try FeedLatencyBenchmark.run(samples: quick ? 50 : 200)
        }
        if parts.contains(.kernel) || parts.contains(.coldStart) {
            guard getuid() == 0 else { throw ValidationError("the cold start benchmark needs root (network namespaces)") }
            results.coldStart = try ColdStartBenchmark.run(users: quick ? 1_000 : coldStartUsers, runs: coldStartRuns, log: log)
        }
        results.machine.loadAverageAtEnd = MachineInfo.loadAverage()
        print(BenchTable.render(results))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
            log("wrote \(json)")
        }
    }
}
