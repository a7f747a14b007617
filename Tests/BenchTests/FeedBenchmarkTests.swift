import Testing
@testable import tierd_bench

@Suite struct FeedBenchmarkTests {
    @Test func benchmarkParsesEveryGeneratedLine() {
        // Returns 0 when any generated line fails to parse; speed is measured in release (tierd-bench).
        #expect(FeedBenchmark.ingestLinesPerSecond(lines: 20_000) > 0)
    }
}
