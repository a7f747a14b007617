import ArgumentParser
import CPacketGen
import Foundation

/// `tierd-bench dataplane`: what tierd's tree costs the packets it shapes. Packets per second
/// through a veth with no shaping and with tierd's tree for each user count, both directions,
/// 1 and 2 sender threads, in interleaved rounds; see DataplaneBenchmark and DataplaneTopology.
struct DataplaneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataplane",
        abstract: "Packet rate through tierd's tree (all users at 10 Gbit/s) against no shaping, in fresh namespaces.")

    @Option(help: "User counts of tierd's trees, comma separated (default 1000,10000,50000; --quick 1000,10000).")
    var users: String?

    @Option(help: "Sender thread counts, comma separated.")
    var threads = "1,2"

    @Option(help: "Measured seconds per sample (default 3; --quick 1).")
    var seconds: Double?

    @Option(help: "Interleaved rounds; the median is reported (default 3).")
    var rounds: Int?

    @Option(help: "download, upload or both.")
    var direction = "both"

    @Option(help: "Address family of the frames and of the users' addresses: ipv4 or ipv6.")
    var family = "ipv4"

    @Option(help: "Also write the results as JSON to this path.")
    var json: String?

    @Flag(help: "Smaller trees and shorter samples for a smoke run.")
    var quick = false

    private var userCounts: [Int] {
        (users ?? (quick ? "1000,10000" : "1000,10000,50000")).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    private var threadCounts: [Int] {
        threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    private var directions: [DataplaneDirection] {
        direction == "both" ? DataplaneDirection.allCases : DataplaneDirection(rawValue: direction).map { [$0] } ?? []
    }

    func validate() throws {
        guard !userCounts.isEmpty, userCounts.allSatisfy({ $0 > 0 && $0 <= 60_000 }) else {
            throw ValidationError("--users must be a comma separated list of user counts between 1 and 60000")
        }
        guard !threadCounts.isEmpty, threadCounts.allSatisfy({ (1...64).contains($0) }) else {
            throw ValidationError("--threads must be a comma separated list of numbers between 1 and 64")
        }
        guard !directions.isEmpty else { throw ValidationError("--direction must be download, upload or both") }
        guard DataplaneFamily(rawValue: family) != nil else { throw ValidationError("--family must be ipv4 or ipv6") }
        guard (seconds ?? 1) > 0, (rounds ?? 1) > 0 else { throw ValidationError("--seconds and --rounds must be positive") }
    }

    func run() throws {
        guard getuid() == 0 else { throw ValidationError("the data-plane benchmark needs root (network namespaces, AF_PACKET)") }
        NamespaceRegistry.installSignalCleanup()
        let log: (String) -> Void = { message in
            FileHandle.standardError.write(Data("[tierd-bench] \(message)\n".utf8))
        }
        var results = DataplaneResults()
        results.machine = MachineInfo.current()
        results.quick = quick
        results.family = DataplaneFamily(rawValue: family) ?? .ipv4
        results.seconds = seconds ?? (quick ? 1 : 3)
        results.warmupSeconds = quick ? 0.3 : 0.5
        results.rounds = rounds ?? 3
        results.frameBytes = Int(TIERD_PKTGEN_FRAME_BYTES)
        results.command = CommandLine.arguments.joined(separator: " ")
        let benchmark = DataplaneBenchmark(
            userCounts: userCounts, threads: threadCounts, directions: directions, family: results.family,
            seconds: results.seconds, warmupSeconds: results.warmupSeconds, rounds: results.rounds, log: log)
        try benchmark.run(into: &results)
        results.machine.loadAverageAtEnd = MachineInfo.loadAverage()
        print(DataplaneTable.render(results))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
            log("wrote \(json)")
        }
    }
}
