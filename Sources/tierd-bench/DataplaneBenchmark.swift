import Foundation
import TrafficControl

/// The data-plane benchmark: packets per second through a veth, unshaped and through tierd's
/// tree for each user count, in both directions and with 1 or more sender threads.
///
/// All test beds exist at once and every round measures each of them once, in an order
/// rotated from round to round, so slow phases of a shared machine spread over all trees
/// instead of landing on one; the reported value is the median over rounds, and the
/// unshaped reference is measured in the same rounds.
struct DataplaneBenchmark {
    var userCounts: [Int]
    var threads: [Int]
    var directions: [DataplaneDirection]
    var family: DataplaneFamily
    var seconds: Double
    var warmupSeconds: Double
    var rounds: Int
    let log: (String) -> Void

    func run(into results: inout DataplaneResults) throws {
        var beds: [DataplaneTopology] = []
        defer { for bed in beds.reversed() { bed.destroy() } }

        log("no shaping: namespaces and veth")
        beds.append(try DataplaneTopology())
        var builds: [Double] = [0]
        for count in userCounts {
            log("tierd's tree: \(count) users at 10 Gbit/s (\(directions.map(\.rawValue).joined(separator: " + ")))")
            let bed = try DataplaneTopology()
            beds.append(bed)
            let users = try DataplaneUsers.shaped(count: count, ipv6: family == .ipv6, directions: Set(directions))
            builds.append(try bed.shape(users))
            log(String(format: "  built in %.2f s", builds.last!))
        }
        // The unshaped bed cycles over the largest user list, so its generator does the most
        // address-table work of any bed: its reference rate is not flattered by a small list.
        let addressLists = [DataplaneUsers.addresses(count: userCounts.max() ?? 1_000, family)]
            + userCounts.map { DataplaneUsers.addresses(count: $0, family) }

        // samples[direction][threads][bed] = [(delivered, sent)] in round order.
        var samples: [DataplaneDirection: [Int: [[Sample]]]] = [:]
        for direction in directions {
            samples[direction] = Dictionary(uniqueKeysWithValues: threads.map { ($0, Array(repeating: [Sample](), count: beds.count)) })
        }
        for round in 0..<rounds {
            for direction in directions {
                for threadCount in threads {
                    let order = (0..<beds.count).map { (round + $0) % beds.count }
                    for index in order {
                        let sample = try measure(beds[index], direction, threads: threadCount, addresses: addressLists[index])
                        samples[direction]![threadCount]![index].append(sample)
                        log("  round \(round + 1) \(direction.rawValue) \(threadCount) thread(s) \(label(beds[index])): "
                            + String(format: "%.0f pps delivered, %.0f sent", sample.delivered, sample.sent))
                    }
                }
            }
        }

        for (index, bed) in beds.enumerated() {
            var withPackets: [String: Int] = [:]
            if let shaper = bed.shaper {
                let counters = try shaper.counters()
                for direction in directions {
                    withPackets[direction.rawValue] = counters.values.filter { counter in
                        ((direction == .download ? counter.download : counter.upload)?.packets ?? 0) > 0
                    }.count
                }
            }
            results.trees.append(DataplaneTree(users: bed.users, buildSeconds: builds[index], usersWithPackets: withPackets))
        }
        for direction in directions {
            for threadCount in threads {
                let cells = samples[direction]![threadCount]!
                let reference = median(cells[0].map(\.delivered))
                for (index, bed) in beds.enumerated() {
                    let delivered = cells[index].map(\.delivered)
                    let value = median(delivered)
                    results.rows.append(DataplaneRow(
                        direction: direction, users: bed.users, threads: threadCount,
                        deliveredPerSecond: delivered, sentPerSecond: cells[index].map(\.sent),
                        refusedCalls: cells[index].reduce(0) { $0 + $1.refused },
                        medianDeliveredPerSecond: value,
                        percentOfNoShaping: reference > 0 ? 100 * value / reference : 0,
                        nanosecondsAddedPerPacket: threadCount == 1 && value > 0 && reference > 0 ? 1e9 * (1 / value - 1 / reference) : nil))
                }
            }
        }
    }

    struct Sample {
        var delivered: Double
        var sent: Double
        var refused: UInt64
    }

    /// One sample: the generator runs for the warm-up (queues fill, caches warm, not counted),
    /// then the receive counter is read at both ends of the measured window.
    private func measure(_ bed: DataplaneTopology, _ direction: DataplaneDirection, threads: Int, addresses: [[UInt8]]) throws -> Sample {
        let counter = try bed.deliveredCounter(direction, family)
        let generator = try PacketGenerator(bed.generatorSetup(direction, family: family, threads: threads, addresses: addresses))
        do {
            Thread.sleep(forTimeInterval: warmupSeconds)
            let start = ContinuousClock.now
            let (delivered0, sent0, refused0) = (try counter.read(), generator.sent, generator.refused)
            Thread.sleep(forTimeInterval: seconds)
            let (delivered1, sent1, refused1) = (try counter.read(), generator.sent, generator.refused)
            let elapsed = start.duration(to: .now).seconds
            try generator.stop()
            return Sample(delivered: Double(delivered1 &- delivered0) / elapsed, sent: Double(sent1 &- sent0) / elapsed,
                          refused: refused1 &- refused0)
        } catch {
            _ = try? generator.stop()
            throw error
        }
    }

    private func label(_ bed: DataplaneTopology) -> String {
        bed.shaper == nil ? "no shaping" : "tierd \(bed.users) users"
    }

    private func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
