import Foundation

/// The human-readable report: one table per part, each row with its target and PASS/FAIL.
enum BenchTable {
    static func render(_ results: BenchResults) -> String {
        var out: [String] = []
        let machine = results.machine
        out.append("tierd-bench  kernel \(machine.kernel), \(machine.cpus) CPUs, load \(machine.loadAverageAtStart) -> \(machine.loadAverageAtEnd)\(results.quick ? "  (QUICK: smoke sizes)" : "")")
        if !results.coldApply.isEmpty {
            out.append("")
            out.append("Cold apply, both directions (seconds; fresh namespace per run)")
            out.append(row(["users", "throttled", "tierd", "tc floor", "tc flat", "flat/tierd", "tierd/floor", "same tree", "objects q/c/f", "targets"]))
            for result in results.coldApply {
                let objects = "\(result.tierdObjects.qdiscs)/\(result.tierdObjects.classes)/\(result.tierdObjects.filters)"
                let targets = result.targets.map { "\($0.limit) \($0.informative ? "(info)" : $0.pass ? "PASS" : "FAIL")" }.joined(separator: ", ")
                out.append(row(["\(result.users)", "\(result.throttled)", f3(result.tierdSeconds), f3(result.floorSeconds),
                                (result.flatTimedOut ? ">" : "") + f3(result.flatSeconds),
                                (result.flatTimedOut ? ">=" : "") + String(format: "%.2fx", result.speedupOverFlat),
                                String(format: "%.2fx", result.ratioToFloor), result.floorMatchesTierd ? "yes" : "NO",
                                objects, targets]))
                out.append(String(format: "    floor: tc -batch %.3f s + classifier (bpftool load, tc filter, bpftool batch of the entries) %.3f s",
                                  result.floorSeconds - result.floorClassifierSeconds, result.floorClassifierSeconds))
                for difference in result.layoutDifferences { out.append("    layout: \(difference)") }
                for error in result.tierdErrors { out.append("    tierd error: \(error)") }
            }
            if let leaf = results.coldApply.first?.leafQdisc { out.append("  leaf qdisc: \(leaf) (both baselines use the same)") }
            out.append("  (info): the issue sets the flat and floor targets for 10k users; other sizes are shown for comparison")
            if results.coldApply.contains(where: \.flatTimedOut) {
                out.append("  >: flat tc -batch stopped at the time limit; the speedup is a lower bound")
            }
        }
        if let adoption = results.adoption {
            out.append("")
            out.append("Restart adoption (new Shaper, prepare + converge of the same users)")
            out.append(row(["users", "seconds", "objects changed", "entries changed", "targets"]))
            let targets = adoption.targets.map { "\($0.limit) \($0.pass ? "PASS" : "FAIL")" }.joined(separator: ", ")
            out.append(row(["\(adoption.users)", f3(adoption.seconds), "\(adoption.objectsChanged)", "\(adoption.entriesChanged)", targets]))
        }
        if !results.tierChange.isEmpty {
            out.append("")
            out.append("One-user change latency (microseconds)")
            out.append(row(["change", "classes", "samples", "p50", "p99", "max", "target p99", "result"]))
            for result in results.tierChange {
                out.append(row([result.name, "\(result.userClassesPresent)", "\(result.latency.samples)",
                                f0(result.latency.p50Microseconds), f0(result.latency.p99Microseconds),
                                f0(result.latency.maxMicroseconds), result.targetP99Microseconds.map { "<= \(f0($0))" } ?? "-",
                                result.targetP99Microseconds == nil ? "(info)" : result.pass ? "PASS" : "FAIL"]))
                out.append("    \(result.note)")
            }
        }
        if let rss = results.peakRSS {
            out.append("")
            out.append("Peak RSS of the daemon-side state (child process, VmHWM)")
            out.append(row(["users", "throttled", "MiB", "target", "result"]))
            out.append(row(["\(rss.users)", "\(rss.throttled)", String(format: "%.1f", Double(rss.peakResidentBytes) / 1_048_576),
                            "<= 100 MiB", rss.pass ? "PASS" : "FAIL"]))
        }
        if let scoring = results.scoring {
            let r = scoring.result
            out.append("")
            out.append("Scoring core (\(r.users) users, \(r.events) events)")
            out.append(row(["events/s (CPU)", "events/s (wall)", "bytes/user", "tier changes", "targets"]))
            out.append(row([f0(r.eventsPerSecond), f0(r.wallEventsPerSecond), r.bytesPerUser.map(f0) ?? "n/a", "\(r.tierChanges)",
                            ">= 2,000,000/s \(scoring.passEventsPerSecond ? "PASS" : "FAIL"), <= 512 B \(scoring.passBytesPerUser ? "PASS" : "FAIL")"]))
        }
        if let feed = results.feed {
            out.append("")
            out.append("Feed (\(feed.lines) lines)")
            out.append(row(["path", "lines/s", "target", "result"]))
            out.append(row(["split + parse", f0(feed.ingestLinesPerSecond), ">= 500,000", feed.passIngest ? "PASS" : "FAIL"]))
            out.append(row(["split + parse + apply", f0(feed.applyLinesPerSecond), ">= 500,000", feed.passApply ? "PASS" : "FAIL"]))
        }
        if let latency = results.feedLatency {
            out.append("")
            out.append("Feed line -> kernel (tierd process, file feed, tier change visible in a netlink dump; milliseconds)")
            out.append(row(["samples", "timed out", "p50", "p99", "max", "first change", "target p99", "result"]))
            let pass = latency.timedOut == 0 && latency.p99Milliseconds <= 10
            out.append(row(["\(latency.samples)", "\(latency.timedOut)", f2(latency.p50Milliseconds), f2(latency.p99Milliseconds),
                            f2(latency.maxMilliseconds), f2(latency.warmUpMilliseconds), "<= 10", pass ? "PASS" : "FAIL"]))
        }
        if let cold = results.coldStart {
            out.append("")
            out.append("Cold start from a \(cold.users)-user feed backlog (tierd process start -> health in sync with all users throttled; seconds)")
            out.append(row(["users", "tierd", "tc floor", "tierd/floor", "classes", "target", "result"]))
            out.append(row(["\(cold.users)", (cold.timedOut ? ">" : "") + f3(cold.tierdSeconds), f3(cold.floorSeconds),
                            String(format: "%.2fx", cold.ratioToFloor), "\(cold.tierdClasses)/\(cold.floorClasses)",
                            String(format: "<= %.1fx", cold.targetRatio), cold.pass ? "PASS" : "FAIL"]))
            out.append("  tc floor: tc -batch of the same tree (both directions, ready classes, leaf \(cold.leafQdisc)) in a fresh namespace")
            if cold.tierdSamples.count > 1 {
                let list = { (values: [Double]) in values.map(f3).joined(separator: " ") }
                out.append("  medians of \(cold.tierdSamples.count) runs; tierd: \(list(cold.tierdSamples)); tc floor: \(list(cold.floorSamples))")
            }
        }
        return out.joined(separator: "\n")
    }

    private static func row(_ cells: [String]) -> String {
        cells.map { $0.count < 12 ? $0 + String(repeating: " ", count: 12 - $0.count) : $0 }.joined(separator: " ")
    }

    private static func f3(_ value: Double) -> String { String(format: "%.3f", value) }
    private static func f0(_ value: Double) -> String { String(format: "%.0f", value) }
    private static func f2(_ value: Double) -> String { String(format: "%.2f", value) }
}
