import Foundation

/// The human-readable report of `tierd-bench dataplane`, in the style of `BenchTable`.
enum DataplaneTable {
    static func render(_ results: DataplaneResults) -> String {
        var out: [String] = []
        let machine = results.machine
        out.append("tierd-bench dataplane  kernel \(machine.kernel), \(machine.cpus) CPUs, load \(machine.loadAverageAtStart) -> \(machine.loadAverageAtEnd)\(results.quick ? "  (QUICK)" : "")")
        out.append("")
        out.append("Packets per second through a veth (\(results.family.rawValue), \(results.frameBytes)-byte UDP frames, AF_PACKET sendmmsg "
                   + "through the qdisc; median of \(results.rounds) interleaved rounds of \(String(format: "%.1f", results.seconds)) s)")
        out.append(row(["direction", "users", "threads", "pps", "% unshaped", "ns/pkt added", "rounds (kpps)", "sent (kpps)", "refused"]))
        for result in results.rows {
            out.append(row([result.direction.rawValue, result.users == 0 ? "no shaping" : "\(result.users)", "\(result.threads)",
                            String(format: "%.0f", result.medianDeliveredPerSecond),
                            String(format: "%.0f%%", result.percentOfNoShaping),
                            result.nanosecondsAddedPerPacket.map { String(format: "%.0f", $0) } ?? "-",
                            result.deliveredPerSecond.map { String(format: "%.0f", $0 / 1000) }.joined(separator: "/"),
                            result.sentPerSecond.map { String(format: "%.0f", $0 / 1000) }.joined(separator: "/"),
                            "\(result.refusedCalls)"]))
        }
        out.append("")
        out.append("Trees (tierd: all users at 10 Gbit/s, built with Shaper.prepare() + converge(to:))")
        out.append(row(["users", "build s", "users with packets"]))
        for tree in results.trees {
            // Every user's class must have counted packets; fewer means frames fell to HTB's direct
            // queue (unclassified), and the row measures something else than tierd's classification.
            let counted = tree.usersWithPackets.sorted { $0.key < $1.key }.map { direction, users in
                "\(direction) \(users)" + (users == tree.users ? "" : " (NOT ALL: \(tree.users - users) users' classes saw no packet)")
            }.joined(separator: ", ")
            out.append(row([tree.users == 0 ? "no shaping" : "\(tree.users)", String(format: "%.2f", tree.buildSeconds),
                            counted.isEmpty ? "-" : counted]))
        }
        out.append("  pps: frames counted at the receiver (download: peer0 rx_packets in home; upload: Ip InReceives / Ip6InReceives in isp)")
        out.append("  ns/pkt added: 1 thread, 1e9 * (1/pps - 1/pps unshaped); refused: sendmmsg calls failed with ENOBUFS")
        return out.joined(separator: "\n")
    }

    private static func row(_ cells: [String]) -> String {
        cells.map { $0.count < 12 ? $0 + String(repeating: " ", count: 12 - $0.count) : $0 }.joined(separator: " ")
    }
}
