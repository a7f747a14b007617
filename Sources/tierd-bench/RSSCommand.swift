import ArgumentParser
import Foundation
import Scoring
import TrafficControl

/// Hidden child command: builds the daemon-side state for `--users` users in a fresh process
/// (scoring engine, user list with addresses, desired shaping list, a Shaper converge of the
/// throttled ones) and prints its peak RSS (VmHWM) as one JSON object. A child, so nothing the
/// parent measured before inflates the peak.
struct RSSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rss", abstract: "Peak RSS of the daemon-side state (internal; run by tierd-bench).",
        shouldDisplay: false)

    @Option(help: "Users known to the daemon.") var users = 50_000
    @Option(help: "Users in a throttled tier.") var throttled = 5_000
    @Option(help: "Network namespace with dev0 and room for the IFB.") var namespace: String

    struct Output: Codable {
        var users: Int
        var throttled: Int
        var shaped: Int
        var peakResidentBytes: UInt64
        var errors: Int
    }

    func run() throws {
        let policy = try ScoringPolicy(
            baseline: 1000, halfLife: 86_400, hysteresis: 25, minDwell: 60, staleAfter: 900,
            defaultTier: "full", exempt: [],
            tiers: [
                Tier(name: "full", minScore: 800),
                Tier(name: "reduced", minScore: 500, download: 20_000_000, upload: 5_000_000),
                Tier(name: "minimal", download: 2_000_000, upload: 1_000_000),
            ])
        let records = BenchUser.make(count: users, throttled: 0)
        let start: Double = 1_795_000_000
        var engine = ScoringEngine(policy: policy, users: records.map(\.id), now: start)
        // Past the dwell time, push the first `throttled` users below the top tier.
        for record in records.prefix(throttled) {
            _ = engine.apply(ScoreEvent(user: record.id, change: .set(600)), now: start + 3600)
        }
        var desired: [ShapedUser] = []
        for record in records {
            guard let tier = engine.tier(of: record.id), tier.throttles else { continue }
            desired.append(ShapedUser(id: record.id, addresses: record.addresses, download: tier.download, upload: tier.upload))
        }
        guard desired.count == throttled else {
            throw BenchFailure("expected \(throttled) throttled users from the engine, got \(desired.count)")
        }
        let shaper = try Shaper(ShaperConfiguration(interface: "dev0", ifb: "ifb-bench", namespace: namespace,
                                                    spareClasses: ShaperConfiguration.defaultSpareClasses))
        try shaper.prepare()
        let report = try shaper.converge(to: desired)
        let output = Output(users: users, throttled: throttled, shaped: desired.count,
                            peakResidentBytes: ResourceUsage.peakResidentBytes(), errors: report.errors.count)
        withExtendedLifetime((engine, records, shaper)) {}
        print(String(decoding: try JSONEncoder().encode(output), as: UTF8.self))
    }
}

/// Parent side: runs `tierd-bench rss` in a fresh namespace and reads its answer.
enum RSSBenchmark {
    static let targetBytes: UInt64 = 100 * 1024 * 1024

    static func run(users: Int, throttled: Int) throws -> RSSResult {
        try BenchNamespace.with { namespace in
            // Resolved here: "/proc/self/exe" in the child's argv would name /usr/bin/env.
            let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            let text = try Shell.run([executable, "rss", "--users", "\(users)", "--throttled", "\(throttled)",
                                      "--namespace", namespace.name])
            guard let line = text.split(separator: "\n").last,
                  let output = try? JSONDecoder().decode(RSSCommand.Output.self, from: Data(line.utf8)) else {
                throw BenchFailure("rss child printed no result: \(text.prefix(500))")
            }
            guard output.errors == 0 else { throw BenchFailure("rss child: converge reported \(output.errors) errors") }
            return RSSResult(users: users, throttled: throttled, peakResidentBytes: output.peakResidentBytes,
                             targetBytes: targetBytes, pass: output.peakResidentBytes <= targetBytes)
        }
    }
}
