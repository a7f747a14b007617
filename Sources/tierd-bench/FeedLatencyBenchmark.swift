import Foundation
import TrafficControl

/// Feed-line-to-kernel latency: the time from appending one line to the feed file until the
/// class rate it implies is visible in the kernel through a netlink dump. That is what an
/// operator waits for after a score changes (inotify wake-up, parse, scoring, converge,
/// netlink), measured end to end on the real `tierd` binary in a throw-away namespace.
///
/// Each sample flips one user between two throttled tiers (20 Mbit/s and 2 Mbit/s), so
/// every sample is an in-place class change, the common case; the first one creates it.
enum FeedLatencyBenchmark {
    struct Result: Sendable, Codable, CustomStringConvertible {
        var samples: Int
        var timedOut: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        /// Sample 0, not in the quantiles: the user's first change creates its class.
        var warmUpMilliseconds: Double

        var description: String {
            let format = { (value: Double) in String(format: "%.2f", value) }
            return "feed line -> kernel class rate: \(samples) samples, p50 \(format(p50Milliseconds)) ms, "
                + "p99 \(format(p99Milliseconds)) ms, max \(format(maxMilliseconds)) ms, \(timedOut) timed out"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `tierd` (default: the one next to this executable) on a fresh namespace with a
    /// file feed and one user, takes `samples` measurements, stops it and removes everything.
    /// A sample not visible within `timeout` seconds counts in `timedOut`, not in the quantiles.
    static func run(samples: Int = 100, tierd: String? = nil, timeout: Double = 5) throws -> Result {
        let executable = tierd ?? defaultTierdPath()
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "no tierd executable at \(executable)")
        }
        let namespace = try BenchNamespace()
        defer { namespace.destroy() }
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let feedPath = directory + "/scores.jsonl"
        try writeConfiguration(directory: directory, namespace: namespace)

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        daemon.arguments = ["ip", "netns", "exec", namespace.name, executable, "--config", directory + "/tierd.toml"]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        daemon.standardOutput = log
        daemon.standardError = log
        try daemon.run()
        defer {
            if daemon.isRunning { kill(daemon.processIdentifier, SIGTERM) }
            daemon.waitUntilExit()
        }

        let observer = try Shaper(ShaperConfiguration(interface: namespace.device, ifb: namespace.ifb, namespace: namespace.name))
        guard waitUntil(deadline: 15, { (try? observer.readState().download.qdiscs.isEmpty == false) ?? false }) else {
            throw Failure(description: "tierd did not build its tree within 15 s")
        }
        let feed = try FileHandle(forWritingTo: URL(fileURLWithPath: feedPath))
        defer { try? feed.close() }

        var latencies: [Double] = []
        var timedOut = 0
        var warmUpMilliseconds = 0.0
        let clock = ContinuousClock()
        // Sample 0 is reported apart, not in the quantiles: it moves the user from unthrottled
        // to throttled (class, leaf and filters created) as the first change in a fresh
        // process (30-45 ms here); every later sample is an in-place tier change.
        for index in 0...samples {
            let (score, rate): (Int, UInt64) = index % 2 == 0 ? (600, 20_000_000) : (300, 2_000_000)
            try feed.seekToEnd()
            let started = clock.now
            try feed.write(contentsOf: Data("{\"user\":\"bench\",\"score\":\(score)}\n".utf8))
            let visible = waitUntil(deadline: timeout) {
                (try? observer.readState().download.classes.contains { $0.rate == rate }) ?? false
            }
            let elapsed = started.duration(to: clock.now)
            if index == 0 {
                warmUpMilliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
            } else if visible {
                latencies.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
            } else {
                timedOut += 1
            }
        }
        latencies.sort()
        return Result(
            samples: latencies.count, timedOut: timedOut,
            p50Milliseconds: quantile(latencies, 0.50), p99Milliseconds: quantile(latencies, 0.99),
            maxMilliseconds: latencies.last ?? 0, warmUpMilliseconds: warmUpMilliseconds)
    }

    /// Nearest-rank quantile of sorted values (0 for none).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    /// Polls every 0.2 ms (the dump itself is the dominant cost) until `condition` holds.
    private static func waitUntil(deadline seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if condition() { return true }
            usleep(200)
        } while Date() < deadline
        return false
    }

    private static func defaultTierdPath() -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tierd").path
    }

    private static func makeDirectory() throws -> String {
        var template = Array("/tmp/tierd-bench-feed-XXXXXX".utf8CString)
        guard let path = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed: errno \(errno)") }
        return String(cString: path)
    }

    /// No decay, hysteresis or dwell: each line moves the user at once.
    private static func writeConfiguration(directory: String, namespace: BenchNamespace) throws {
        try BenchDaemonConfig.text(directory: directory, namespace: namespace, reducedDownload: "20mbit", reducedUpload: "5mbit")
            .write(toFile: directory + "/tierd.toml", atomically: true, encoding: .utf8)
        try "id,addresses,unix_user\nbench,10.200.0.1,\n".write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: directory + "/scores.jsonl", contents: nil)
    }
}
