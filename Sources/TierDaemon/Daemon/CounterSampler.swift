import Control
import Glibc
import NIOPosix
import TrafficControl

/// Answers `counters` for every client from one shared, recent kernel dump.
///
/// Dumping every class's statistics costs time proportional to the classes (the kernel
/// walks them, libnl builds an object per class), so it must neither run once per client nor
/// hold the daemon's actor: the actor only lends the user -> class layout (one O(users)
/// pass), and the dump runs on NIO's blocking thread pool on `ClassCounterReader`'s own
/// netlink socket. A sample younger than `max(minimumAge, 4 x its dump time)` is served as
/// it is, and clients arriving while a dump runs wait for that dump, so the cost per second
/// stays bounded by the dump itself whatever the number of `tierctl top`s watching.
actor CounterSampler {
    typealias Dump = @Sendable () throws -> [ClassCounterReader.InterfaceCounters]

    /// A sample is reused while younger than this (seconds) or 4 dump times, whichever is longer.
    static let minimumAge = 0.5

    private let layout: @Sendable () async -> CounterLayout
    private let dump: Dump
    private let clock: @Sendable () -> Double
    private var cached: CounterSample?
    private var inFlight: Task<CounterSample, any Error>?

    /// - Parameters:
    ///   - layout: who is where (the daemon's `counterLayout`).
    ///   - dump: the kernel's class statistics (`ClassCounterReader.read`); called off the
    ///     caller's executor.
    ///   - clock: monotonic seconds (`CounterSampler.monotonicNow` outside tests).
    init(layout: @escaping @Sendable () async -> CounterLayout, dump: @escaping Dump,
         clock: @escaping @Sendable () -> Double = CounterSampler.monotonicNow) {
        self.layout = layout
        self.dump = dump
        self.clock = clock
    }

    /// A recent sample: the cached one, the one being taken, or a new one.
    func sample() async throws -> CounterSample {
        if let cached, clock() - cached.takenAt < max(Self.minimumAge, 4 * cached.dumpSeconds) { return cached }
        if let inFlight { return try await inFlight.value }
        let task = Task { [layout, dump, clock] in try await Self.take(layout: layout, dump: dump, clock: clock) }
        inFlight = task
        defer { inFlight = nil }
        let sample = try await task.value
        cached = sample
        return sample
    }

    /// The control reply for `counters`.
    func reply() async -> ControlReply {
        do {
            return .counters(try await sample())
        } catch {
            return .error(.internal, "could not read the class statistics: \(error)")
        }
    }

    private static func take(layout: @Sendable () async -> CounterLayout, dump: @escaping Dump,
                             clock: @escaping @Sendable () -> Double) async throws -> CounterSample {
        let where_ = await layout()
        let started = clock()
        let stats = try await NIOThreadPool.singleton.runIfActive { try dump() }
        let takenAt = clock()
        // A handle names a class on the user's own interface only.
        func columns(_ handles: [UInt32?], _ direction: KeyPath<ClassCounterReader.InterfaceCounters, [UInt32: DirectionCounters]>) -> CounterSample.DirectionColumns {
            var result = CounterSample.DirectionColumns()
            result.bytes.reserveCapacity(handles.count)
            result.packets.reserveCapacity(handles.count)
            result.drops.reserveCapacity(handles.count)
            for (position, handle) in handles.enumerated() {
                let interface = where_.interface.isEmpty ? 0 : where_.interface[position]
                let counters = handle.flatMap { interface < stats.count ? stats[interface][keyPath: direction][$0] : nil }
                result.bytes.append(counters?.bytes)
                result.packets.append(counters?.packets)
                result.drops.append(counters?.drops)
            }
            return result
        }
        return CounterSample(takenAt: takenAt, dumpSeconds: takenAt - started, users: where_.users, tiers: where_.tiers,
                             download: columns(where_.download, \.download), upload: columns(where_.upload, \.upload))
    }

    /// CLOCK_MONOTONIC in seconds: sample times are only ever subtracted from each other.
    @Sendable static func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
