import ArgumentParser
import Foundation
import TrafficControl

/// `tierd-bench scale`: tierd's cold apply alone at the size the layout is built for (60,000
/// throttled users per direction), checked by reading the tree back. Separate from `run`
/// because at this size the kernel's own cost of creating a class (a walk of a machine-wide
/// list of filter blocks, longer with every class) makes the cold build take tens of minutes
/// on a small machine, and `tc -batch` baselines would take as long again.
struct ScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Cold apply of many throttled users by tierd alone, read back and checked (no tc baselines).")

    @Option(help: "Throttled users.") var users = 60_000
    @Flag(help: "Shape only the download direction (half the classes on the machine).") var downloadOnly = false
    @Option(help: "Write the result as JSON to this file.") var json: String?

    struct Output: Codable {
        var users: Int
        var directions: Int
        var seconds: Double
        var classesPerDirection: [Int]
        var addressFiltersPerDirection: [Int]
        var errors: Int
        var firstErrors: [String]
    }

    func run() throws {
        NamespaceRegistry.installSignalCleanup()
        let records = BenchUser.make(count: users, throttled: users)
        let desired = records.map { record in
            var user = record.shaped
            if downloadOnly { user.upload = nil }
            return user
        }
        let output = try BenchNamespace.with { namespace in
            let shaper = try Shaper(ShaperConfiguration(interface: namespace.device, ifb: namespace.ifb, namespace: namespace.name,
                                                        spareClasses: ShaperConfiguration.defaultSpareClasses))
            let start = ContinuousClock.now
            try shaper.prepare()
            let report = try shaper.converge(to: desired)
            let seconds = start.duration(to: .now).seconds
            let state = try shaper.readState()
            let directions = [state.download, state.upload]
            return Output(users: users, directions: downloadOnly ? 1 : 2, seconds: seconds,
                          classesPerDirection: directions.map(\.classes.count),
                          addressFiltersPerDirection: directions.map(\.entries.count),
                          errors: report.errors.count, firstErrors: report.errors.prefix(5).map { "\($0)" })
        }
        let text = String(decoding: try JSONEncoder().encode(output), as: UTF8.self)
        print(text)
        if let json { try text.write(toFile: json, atomically: true, encoding: .utf8) }
        // Every user a class in each shaped direction (plus shard and ready classes), and a
        // classifier map entry per address: anything less is a failure, not a result.
        let expectedFilters = records.reduce(0) { $0 + $1.addresses.count }
        guard output.errors == 0, output.classesPerDirection[0] >= users,
              output.addressFiltersPerDirection[0] == expectedFilters,
              downloadOnly || (output.classesPerDirection[1] >= users && output.addressFiltersPerDirection[1] == expectedFilters) else {
            throw BenchFailure("the tree read back is not the wanted one: \(text)")
        }
    }
}
