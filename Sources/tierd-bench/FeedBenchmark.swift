import Feed
import FeedParsing

/// Measures the feed ingest path (splitter + parser) on a generated, file-like buffer.
///
/// Exposed so `tierd-bench` can report it next to the scoring and kernel numbers; the
/// integrator adds the scoring apply on top. Build in release for meaningful numbers.
public enum FeedBenchmark {
    /// Parses `lines` generated lines (a realistic mix: JSON scores, JSON deltas with a
    /// reason and a timestamp, CSV) in 64 KiB chunks and returns lines per second.
    /// Returns 0 if any line fails to parse, so a broken parser cannot look fast.
    public static func ingestLinesPerSecond(lines: Int) -> Double {
        let count = max(1, lines)
        let buffer = generate(lines: count)
        let parser = FeedLineParser()
        var splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
        var events = 0
        var checksum = 0.0
        let clock = ContinuousClock()
        let start = clock.now
        buffer.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + 64 * 1024)
                splitter.split(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { _, line in
                    guard case .text(let bytes) = line, case .event(let event) = parser.parse(bytes) else { return }
                    events += 1
                    switch event.change {
                    case .set(let value), .delta(let value): checksum += value
                    }
                }
                offset = end
            }
        }
        let elapsed = start.duration(to: clock.now)
        guard events == count, checksum.isFinite else { return 0 }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(count) / max(seconds, 1e-9)
    }

    /// A feed file of `lines` lines over `users` users: 70% JSON scores, 20% JSON deltas with
    /// a reason and an RFC 3339 timestamp (`timestamp`), 10% CSV. The feed-apply row passes
    /// its clock's `now`, so no event is ignored as out of order.
    static func generate(lines: Int, users: Int = 10_000, timestamp: String = "2026-11-27T05:00:00Z") -> [UInt8] {
        var text = ""
        text.reserveCapacity(lines * 60)
        for i in 0..<lines {
            let user = "user\(i % users)"
            switch i % 10 {
            case 0...6: text += "{\"user\":\"\(user)\",\"score\":\(500 + i % 500)}\n"
            case 7, 8: text += "{\"user\":\"\(user)\",\"delta\":-\(i % 50).5,\"reason\":\"abuse-report\",\"ts\":\"\(timestamp)\"}\n"
            default: text += "\(user),\(i % 1000)\n"
            }
        }
        return Array(text.utf8)
    }
}
