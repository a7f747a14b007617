import Testing
@testable import tierd_bench

@Suite struct BenchmarkTests {
    /// A small run exercises the whole benchmark path (setup, batched events, advance) and
    /// reports self-consistent numbers; the probe is called and its growth divided per user.
    @Test func smallRunReportsConsistentNumbers() {
        var probes = 0
        let result = ScoringBenchmark.run(users: 2_000, events: 20_000, feedBatch: 64) {
            probes += 1
            return probes * 1_000_000
        }
        #expect(probes == 3)
        #expect(result.users == 2_000)
        #expect(result.events == 20_000)
        #expect(result.eventsPerSecond > 0 && result.eventsPerSecond.isFinite)
        #expect(abs(result.eventsPerSecond * result.cpuSeconds - 20_000) < 1)
        // Growth between the first probe (1 MB) and the larger later one (3 MB), per user.
        #expect(result.bytesPerUser == 1_000)
        #expect(result.tierChanges > 0)
        #expect(ScoringBenchmark.run(users: 10, events: 10).bytesPerUser == nil)
    }
}
