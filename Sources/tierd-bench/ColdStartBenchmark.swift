import Foundation
import TierDaemon

/// Cold start from a feed backlog (issue 10): the release `tierd` is started on a fresh
/// namespace whose feed file already holds a score for every user, each putting the user in a
/// throttled tier. Timed from process start until `health` (over the control socket) reports
/// the kernel in sync with every user throttled; compared with `tc -batch` building the same
/// tree (both directions, ready classes included) in another fresh namespace: the floor.
///
/// Only the daemon's public path is used on the tierd side (a process, a config, a feed file,
/// the control socket), so the row keeps measuring the right thing when the kernel layout
/// changes; the floor is `ColdBuildFloor`, tierd's own plan run with the system tools.
enum ColdStartBenchmark {
    struct Result: Codable, CustomStringConvertible {
        var users: Int
        /// Process start -> health: kernel in sync, `users` throttled (median over the runs).
        var tierdSeconds: Double
        /// `tc -batch` of the same tree (median over the runs).
        var floorSeconds: Double
        /// tierd / floor.
        var ratioToFloor: Double
        var targetRatio: Double
        /// User classes (both directions) counted with `tc` after each run: the same tree.
        var tierdClasses: Int
        var floorClasses: Int
        var timedOut: Bool
        var leafQdisc: String
        var pass: Bool
        /// Every measurement, in run order (the times above are their medians).
        var tierdSamples: [Double]
        var floorSamples: [Double]

        var description: String {
            String(format: "cold start from a %d-user feed backlog: tierd %.3f s, tc -batch floor %.3f s, %.2fx",
                   users, tierdSeconds, floorSeconds, ratioToFloor)
        }
    }

    static let targetRatio = 1.1

    /// `runs` pairs of measurements, each in fresh namespaces. The first pair runs tierd
    /// first (the floor needs the leaf kind tierd chose); later pairs alternate the order, so
    /// machine-wide drift between the two halves of a pair (the kernel's class-creation cost
    /// grows with classes in every namespace) does not always favour the same side. The
    /// reported times are the medians.
    static func run(users count: Int = 10_000, runs: Int = 1, tierd: String? = nil, timeout: Double = 600,
                    log: (String) -> Void = { _ in }) throws -> Result {
        let executable = tierd ?? defaultTierdPath()
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BenchFailure("no tierd executable at \(executable)")
        }
        let rates = KernelBenchmark.tierA
        let users = BenchUser.make(count: count, throttled: count, rates: rates)
        log("cold start from a feed backlog: \(count) users, tierd process -> health in sync, \(runs) run(s)")

        var tierdSamples: [Double] = [], floorSamples: [Double] = []
        var timedOut = false, leafKind = "pfifo", tierdClasses = 0, floorClasses = 0
        for index in 0..<max(1, runs) {
            let tierdFirst = index % 2 == 0
            for side in tierdFirst ? [true, false] : [false, true] {
                if side {
                    let run = try timeTierd(users: users, executable: executable, timeout: timeout, rates: rates)
                    tierdSamples.append(run.seconds)
                    timedOut = timedOut || run.timedOut
                    leafKind = run.leafKind
                    tierdClasses = run.classes
                    log(String(format: "  tierd (process start -> health) %8.3f s", run.seconds) + (run.timedOut ? " (TIMED OUT)" : ""))
                } else {
                    let run = try timeFloor(users: users, leafKind: leafKind, rates: rates)
                    floorSamples.append(run.seconds)
                    floorClasses = run.classes
                    log(String(format: "  tc -batch (same tree)           %8.3f s", run.seconds))
                }
            }
        }
        let tierdSeconds = median(tierdSamples), floorSeconds = median(floorSamples)
        let ratio = tierdSeconds / floorSeconds
        return Result(
            users: count, tierdSeconds: tierdSeconds, floorSeconds: floorSeconds, ratioToFloor: ratio,
            targetRatio: targetRatio, tierdClasses: tierdClasses, floorClasses: floorClasses, timedOut: timedOut,
            leafQdisc: leafKind, pass: !timedOut && tierdClasses == floorClasses && ratio <= targetRatio,
            tierdSamples: tierdSamples, floorSamples: floorSamples)
    }

    /// Starts tierd on the prepared files and polls `health` every 2 ms until the kernel is
    /// in sync with every user throttled; then counts what it built.
    private static func timeTierd(users: [BenchUser], executable: String, timeout: Double, rates: (UInt64, UInt64)) throws
        -> (seconds: Double, timedOut: Bool, leafKind: String, classes: Int)
    {
        try BenchNamespace.with { namespace in
            let directory = try makeDirectory()
            NamespaceRegistry.addPath(directory)
            defer {
                try? FileManager.default.removeItem(atPath: directory)
                NamespaceRegistry.removePath(directory)
            }
            try writeFiles(directory: directory, namespace: namespace, users: users)
            Thread.sleep(forTimeInterval: 0.5)  // settle: the previous tree is still being freed

            let started = ContinuousClock.now
            let daemon = try startTierd(executable, in: namespace, directory: directory)
            defer { stopTierd(daemon) }
            let socket = directory + "/control.sock"
            var timedOut = false
            while true {
                if let health = ControlProbe.health(socketPath: socket), health.kernelInSync, health.throttled == users.count { break }
                if started.duration(to: .now).seconds > timeout || !daemon.isRunning {
                    timedOut = true
                    break
                }
                usleep(2_000)
            }
            let seconds = started.duration(to: .now).seconds
            return (seconds, timedOut, try leafQdiscKind(namespace), try userClasses(namespace, rates: rates))
        }
    }

    /// The release tierd on `directory/tierd.toml` inside the namespace, output discarded,
    /// registered for the benchmark's signal cleanup; `stopTierd` ends it.
    static func startTierd(_ executable: String, in namespace: BenchNamespace, directory: String) throws -> Process {
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        daemon.arguments = ["ip", "netns", "exec", namespace.name, executable, "--config", directory + "/tierd.toml"]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        NamespaceRegistry.addChild(daemon.processIdentifier)
        return daemon
    }

    static func stopTierd(_ daemon: Process) {
        if daemon.isRunning { kill(daemon.processIdentifier, SIGTERM) }
        daemon.waitUntilExit()
        NamespaceRegistry.removeChild(daemon.processIdentifier)
    }

    /// The kernel floor of the same tree (both directions, ready classes): tierd's own plan
    /// through `tc -batch` and `bpftool` (`ColdBuildFloor`).
    private static func timeFloor(users: [BenchUser], leafKind: String, rates: (UInt64, UInt64)) throws -> (seconds: Double, classes: Int) {
        try BenchNamespace.with { namespace in
            try namespace.addIFB()
            Thread.sleep(forTimeInterval: 0.5)
            let seconds = try ColdBuildFloor.run(users.map(\.shaped), in: namespace, leafKind: leafKind,
                                                 spareClasses: NetworkSection.defaultSpareClasses).seconds
            return (seconds, try userClasses(namespace, rates: rates))
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Config (file feed, no decay/hysteresis/dwell: each score maps straight to its tier),
    /// users file, and the feed backlog: every user scored into "reduced" (`KernelBenchmark.tierA`).
    static func writeFiles(directory: String, namespace: BenchNamespace, users: [BenchUser]) throws {
        try BenchDaemonConfig.text(directory: directory, namespace: namespace, reducedDownload: "\(KernelBenchmark.tierA.0)bit",
                                   reducedUpload: "\(KernelBenchmark.tierA.1)bit")
            .write(toFile: directory + "/tierd.toml", atomically: true, encoding: .utf8)
        var csv = "id,addresses,unix_user\n"
        var feed = ""
        csv.reserveCapacity(users.count * 48)
        feed.reserveCapacity(users.count * 32)
        for user in users {
            csv += "\(user.id),\(user.addresses.map(\.description).joined(separator: " ")),\n"
            feed += "{\"user\":\"\(user.id)\",\"score\":600}\n"
        }
        try csv.write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        try feed.write(toFile: directory + "/scores.jsonl", atomically: true, encoding: .utf8)
    }

    /// Classes at the users' rates on both devices, counted with `tc` (layout-independent).
    private static func userClasses(_ namespace: BenchNamespace, rates: (UInt64, UInt64)) throws -> Int {
        var total = 0
        for (device, rate) in [(namespace.device, rates.0), (namespace.ifb, rates.1)] {
            let text = try Shell.run(["tc", "-n", namespace.name, "class", "show", "dev", device])
            total += text.components(separatedBy: "rate \(rate / 1_000_000)Mbit ").count - 1
        }
        return total
    }

    /// The leaf qdisc kind tierd chose (most common non-HTB qdisc on the device), so the
    /// floor builds the same leaves.
    private static func leafQdiscKind(_ namespace: BenchNamespace) throws -> String {
        let text = try Shell.run(["tc", "-n", namespace.name, "qdisc", "show", "dev", namespace.device])
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count > 1, words[0] == "qdisc" else { continue }
            let kind = String(words[1])
            if !["htb", "ingress", "clsact", "noqueue"].contains(kind) { counts[kind, default: 0] += 1 }
        }
        return counts.max { $0.value < $1.value }?.key ?? "pfifo"
    }

    static func defaultTierdPath() -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tierd").path
    }

    static func makeDirectory() throws -> String {
        var template = Array("/tmp/tierd-bench-coldstart-XXXXXX".utf8CString)
        guard let path = mkdtemp(&template) else { throw BenchFailure("mkdtemp failed: errno \(errno)") }
        return String(cString: path)
    }
}
