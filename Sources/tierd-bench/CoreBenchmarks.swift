import Feed
import FeedParsing
import Foundation
import Scoring

/// The scoring core and the feed path: no kernel, pure CPU.
enum CoreBenchmarks {
    static let targetFeedLinesPerSecond = 500_000.0

    static func scoring(users: Int, events: Int) -> ScoringResult {
        let result = ScoringBenchmark.run(users: users, events: events, residentBytes: { Int(ResourceUsage.residentBytes()) })
        return ScoringResult(
            result: result,
            passEventsPerSecond: result.eventsPerSecond >= ScoringBenchmark.targetEventsPerSecond,
            passBytesPerUser: (result.bytesPerUser ?? .infinity) <= ScoringBenchmark.targetBytesPerUser)
    }

    static func feed(lines: Int) throws -> FeedResult {
        let ingest = FeedBenchmark.ingestLinesPerSecond(lines: lines)
        let apply = try applyLinesPerSecond(lines: lines)
        return FeedResult(lines: lines, ingestLinesPerSecond: ingest, applyLinesPerSecond: apply,
                          targetLinesPerSecond: targetFeedLinesPerSecond,
                          passIngest: ingest >= targetFeedLinesPerSecond, passApply: apply >= targetFeedLinesPerSecond)
    }

    /// Lines per second through split + parse + apply into a scoring engine, in 64 KiB
    /// chunks and 256-event batches, as the feed services hand events to the daemon.
    /// Throws if any line is not applied, so a broken path cannot look fast.
    static func applyLinesPerSecond(lines: Int) throws -> Double {
        let userCount = 10_000
        let buffer = FeedBenchmark.generate(lines: lines, users: userCount, timestamp: "2026-11-18T11:06:40Z")
        let policy = try ScoringPolicy(
            baseline: 1000, halfLife: 86_400, hysteresis: 25, minDwell: 60, staleAfter: 900, defaultTier: "full", exempt: [],
            tiers: [Tier(name: "full", minScore: 800),
                    Tier(name: "reduced", minScore: 500, download: 20_000_000, upload: 5_000_000),
                    Tier(name: "minimal", download: 2_000_000, upload: 1_000_000)])
        let now: Double = 1_795_000_000
        var engine = ScoringEngine(policy: policy, users: (0..<userCount).map { "user\($0)" }, now: now)
        let parser = FeedLineParser()
        var splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
        var pending: [ScoreEvent] = []
        pending.reserveCapacity(256)
        var applied = 0, refused = 0
        func flush() {
            for outcome in engine.apply(contentsOf: pending, now: now) {
                if case .applied = outcome { applied += 1 } else { refused += 1 }
            }
            pending.removeAll(keepingCapacity: true)
        }
        let start = ContinuousClock.now
        buffer.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + 64 * 1024)
                splitter.split(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { _, line in
                    guard case .text(let bytes) = line, case .event(let event) = parser.parse(bytes) else { refused += 1; return }
                    pending.append(event)
                    if pending.count == 256 { flush() }
                }
                offset = end
            }
        }
        flush()
        let seconds = start.duration(to: .now).seconds
        guard applied + refused == lines else { throw BenchFailure("feed apply saw \(applied + refused) of \(lines) lines") }
        guard refused == 0 else { throw BenchFailure("feed apply: \(refused) lines not applied") }
        return Double(lines) / seconds
    }
}
