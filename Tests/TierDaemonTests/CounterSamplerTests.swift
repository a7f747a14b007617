import Control
import Glibc
import Synchronization
import Testing
import TrafficControl
@testable import TierDaemon

/// `CounterSampler`: one dump shared by clients, reused while young, columns matched to users.
struct CounterSamplerTests {
    /// A fake kernel: counts dumps, each taking `dumpTime` on the fake clock.
    final class FakeKernel: Sendable {
        let now = Mutex<Double>(1000)
        let dumps = Mutex(0)
        let dumpTime: Double

        init(dumpTime: Double) { self.dumpTime = dumpTime }

        func dump() -> [ClassCounterReader.InterfaceCounters] {
            let count = dumps.withLock { dumps in
                dumps += 1
                return UInt64(dumps)
            }
            now.withLock { $0 += dumpTime }
            usleep(20_000)  // long enough for concurrent clients to arrive during the dump
            return [([0x7200_0001: DirectionCounters(bytes: 1000 * count, packets: 10 * count, drops: count, overlimits: 0)],
                     [0x7200_0002: DirectionCounters(bytes: 500 * count, packets: 5, drops: 0, overlimits: 0)])]
        }

        func sampler() -> CounterSampler {
            CounterSampler(
                layout: { CounterLayout(users: ["alice", "bob"], tiers: ["reduced", "full"], download: [0x7200_0001, nil], upload: [0x7200_0002, nil]) },
                dump: { self.dump() }, clock: { self.now.withLock { $0 } })
        }
    }

    @Test func columnsFollowTheUsersAndNullMeansNoClass() async throws {
        let kernel = FakeKernel(dumpTime: 0.01)
        let sample = try await kernel.sampler().sample()
        #expect(sample.users == ["alice", "bob"])
        #expect(sample.tiers == ["reduced", "full"])
        #expect(sample.download.bytes == [1000, nil])
        #expect(sample.download.drops == [1, nil])
        #expect(sample.upload.bytes == [500, nil])
        #expect(sample.takenAt == 1000.01)
        #expect(abs(sample.dumpSeconds - 0.01) < 1e-9)
    }

    @Test func concurrentClientsShareOneDump() async throws {
        let kernel = FakeKernel(dumpTime: 0.01)
        let sampler = kernel.sampler()
        let samples = try await withThrowingTaskGroup(of: CounterSample.self) { group in
            for _ in 0..<8 { group.addTask { try await sampler.sample() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(kernel.dumps.withLock { $0 } == 1)
        #expect(Set(samples.map(\.takenAt)).count == 1)
    }

    /// Reused while younger than max(0.5 s, 4 dump times): a 0.01 s dump for 0.5 s, a 1 s dump for 4 s.
    @Test(arguments: [(0.01, 0.5), (1.0, 4.0)])
    func aSampleIsReusedWhileYoung(dumpTime: Double, reuse: Double) async throws {
        let kernel = FakeKernel(dumpTime: dumpTime)
        let sampler = kernel.sampler()
        let first = try await sampler.sample()
        kernel.now.withLock { $0 += reuse - 0.001 }
        #expect(try await sampler.sample() == first)
        #expect(kernel.dumps.withLock { $0 } == 1)
        kernel.now.withLock { $0 += 0.002 }
        let second = try await sampler.sample()
        #expect(kernel.dumps.withLock { $0 } == 2)
        #expect(second.takenAt > first.takenAt)
        #expect(second.download.bytes == [2000, nil])
    }
}
