import Scoring
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The result of `ScoringBenchmark.run`: throughput of the scoring core alone, and its
/// memory per tracked user.
public struct ScoringBenchmarkResult: Sendable, Equatable, Codable {
    public var users: Int
    public var events: Int
    /// Wall time of the timed event loop (seconds).
    public var seconds: Double
    /// CPU time of the timed loop on its (single) thread: unaffected by other load.
    public var cpuSeconds: Double
    /// Events per CPU second on one core (the figure the target is about).
    public var eventsPerSecond: Double
    /// Events per wall-clock second (lower when the machine is busy).
    public var wallEventsPerSecond: Double
    /// Resident-memory growth from creating the engine and giving every user a score,
    /// divided by the user count; nil when the caller provided no measurement.
    public var bytesPerUser: Double?
    /// Tier changes produced by the events and by `advance` during the timed loop.
    public var tierChanges: Int
    /// Seconds to create the engine and apply the first event of every user.
    public var setupSeconds: Double
}

/// A benchmark of the scoring core alone (no feed parsing, no kernel), as a pure function
/// so `tierd-bench` can run and print it. The core does no I/O, so the caller supplies the
/// memory probe (e.g. RSS from /proc/self/statm).
public enum ScoringBenchmark {
    /// Targets from the issue: >= 2,000,000 events/s on one core, <= 512 bytes/user at 1M users.
    public static let targetEventsPerSecond = 2_000_000.0
    public static let targetBytesPerUser = 512.0

    /// Runs `events` mixed events (half `set`, half `delta`; half timestamped) over `users`
    /// users, with time advancing and `advance(to:)` called as a daemon would. Events are
    /// handed over `feedBatch` at a time, as a feed source does with what it read.
    /// - Parameter residentBytes: returns the process's resident memory in bytes, or nil.
    public static func run(
        users: Int = 1_000_000,
        events: Int = 10_000_000,
        seed: UInt64 = 0x7143_5d,
        feedBatch: Int = 256,
        residentBytes: () -> Int? = { nil }
    ) -> ScoringBenchmarkResult {
        precondition(users > 0 && events > 0)
        let clock = ContinuousClock()
        var random = SplitMix64(seed: seed)
        let start: Double = 1_795_000_000
        let ids = (0..<users).map { "user\($0)" }
        // Pre-built events, replayed in passes, so generation is not measured.
        let batchSize = min(events, users, 1_000_000) // a pass: about one event per user
        let batch = (0..<batchSize).map { _ -> (user: String, change: ScoreChange, timestamped: Bool) in
            let user = ids[Int(random.next() % UInt64(users))]
            let bits = random.next()
            let change: ScoreChange = bits & 1 == 0
                ? .set(300 + Double((bits >> 12) % 800_000) / 1000)
                : .delta(Double(Int((bits >> 40) & 0xff)) - 128)
            return (user, change, bits & 2 == 0)
        }
        let policy = try! ScoringPolicy( // Constant, valid policy: cannot throw.
            baseline: 1000, halfLife: 86_400, hysteresis: 25, minDwell: 60, staleAfter: 900,
            defaultTier: "full", exempt: [],
            tiers: [
                Tier(name: "full", minScore: 800),
                Tier(name: "reduced", minScore: 500, download: 20_000_000, upload: 5_000_000),
                Tier(name: "minimal", download: 2_000_000, upload: 1_000_000),
            ])

        let before = residentBytes()
        let setupStart = clock.now
        var engine = ScoringEngine(policy: policy, users: ids, now: start)
        for (offset, id) in ids.enumerated() {
            _ = engine.apply(ScoreEvent(user: id, change: .set(Double(600 + offset % 500))), now: start)
        }
        let setup = clock.now - setupStart
        let after = residentBytes()

        var changes = 0
        var now = start
        var remaining = events
        let loopStart = clock.now
        let cpuStart = threadCPUSeconds()
        var pending: [ScoreEvent] = []
        pending.reserveCapacity(feedBatch)
        while remaining > 0 {
            // 30 s per pass: dwell ends and decay crossings fall due during the run.
            now += 30
            for (position, item) in batch.prefix(remaining).enumerated() {
                pending.append(ScoreEvent(user: item.user, change: item.change, timestamp: item.timestamped ? now : nil))
                if pending.count == feedBatch {
                    for outcome in engine.apply(contentsOf: pending, now: now) {
                        if case .applied(.some) = outcome { changes += 1 }
                    }
                    pending.removeAll(keepingCapacity: true)
                }
                if position % 100_000 == 99_999 { changes += engine.advance(to: now).count }
            }
            for outcome in engine.apply(contentsOf: pending, now: now) {
                if case .applied(.some) = outcome { changes += 1 }
            }
            pending.removeAll(keepingCapacity: true)
            remaining -= min(remaining, batch.count)
        }
        changes += engine.advance(to: now).count
        let cpuSeconds = threadCPUSeconds() - cpuStart
        let elapsed = loopStart.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let setupSeconds = Double(setup.components.seconds) + Double(setup.components.attoseconds) / 1e18
        // The larger of the growth after setup and after the run (the due heap and the
        // directory settle during the run).
        let afterRun = residentBytes()
        var bytesPerUser: Double?
        if let before, let after, let afterRun { bytesPerUser = Double(max(after, afterRun) - before) / Double(users) }
        withExtendedLifetime(engine) {}
        return ScoringBenchmarkResult(
            users: users, events: events, seconds: seconds, cpuSeconds: cpuSeconds,
            eventsPerSecond: Double(events) / cpuSeconds, wallEventsPerSecond: Double(events) / seconds,
            bytesPerUser: bytesPerUser, tierChanges: changes, setupSeconds: setupSeconds)
    }
}

/// CPU time consumed by the calling thread (a clock read, not I/O).
private func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// A tiny seeded generator so benchmark runs are reproducible (the standard library's
/// generator cannot be seeded).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
