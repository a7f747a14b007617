import Control
import Foundation
import TierDaemon

/// What the operator's commands cost at scale, against the release `tierd` with every user
/// throttled (started from a feed backlog, as the cold start row): `counters` (what
/// `tierctl top` polls: a kernel dump of every class), whether it holds up the daemon's
/// actor (a `health` sent while a dump runs), and `plan` of a config that changes the
/// throttled tier's rate (one class change per user and direction).
enum OperatorBenchmark {
    struct Result: Codable, CustomStringConvertible {
        var users: Int
        /// `counters` with no sample to reuse: request to reply (median).
        var countersSeconds: Double
        /// The daemon's own measure of the dump (`dump_seconds`, median).
        var dumpSeconds: Double
        /// A second `counters` right after: the shared sample (median).
        var cachedCountersSeconds: Double
        var countersReplyBytes: Int
        /// `health` sent 5 ms into a dump (median): the actor is free meanwhile.
        var healthDuringDumpSeconds: Double
        /// `health` with nothing else going on (median).
        var healthSeconds: Double
        /// `plan` of a rate change for every throttled user: request to reply (median).
        var planSeconds: Double
        var planClassChanges: Int

        var description: String {
            String(format: "%6d users: counters %.3f s (dump %.3f s, cached %.4f s, %d bytes), health %.4f s (%.4f s during a dump), plan %.3f s (%d class changes)",
                   users, countersSeconds, dumpSeconds, cachedCountersSeconds, countersReplyBytes,
                   healthSeconds, healthDuringDumpSeconds, planSeconds, planClassChanges)
        }
    }

    static func run(users count: Int, samples: Int = 5, tierd: String? = nil, log: (String) -> Void = { _ in }) throws -> Result {
        let executable = tierd ?? ColdStartBenchmark.defaultTierdPath()
        let users = BenchUser.make(count: count, throttled: count, rates: KernelBenchmark.tierA)
        return try BenchNamespace.with { namespace in
            let directory = try ColdStartBenchmark.makeDirectory()
            NamespaceRegistry.addPath(directory)
            defer {
                try? FileManager.default.removeItem(atPath: directory)
                NamespaceRegistry.removePath(directory)
            }
            try ColdStartBenchmark.writeFiles(directory: directory, namespace: namespace, users: users)
            let daemon = try ColdStartBenchmark.startTierd(executable, in: namespace, directory: directory)
            defer { ColdStartBenchmark.stopTierd(daemon) }
            let socket = directory + "/control.sock"
            let deadline = Date().addingTimeInterval(900)
            while ControlProbe.health(socketPath: socket).map({ $0.kernelInSync && $0.throttled == count }) != true {
                guard daemon.isRunning, Date() < deadline else { throw BenchFailure("tierd did not converge \(count) users") }
                usleep(20_000)
            }
            log("  \(count) users throttled; measuring")
            return try measure(socket: socket, directory: directory, users: count, samples: samples)
        }
    }

    private static func measure(socket: String, directory: String, users: Int, samples: Int) throws -> Result {
        @Sendable func timed(_ line: String) throws -> (seconds: Double, reply: [UInt8]) {
            let started = ContinuousClock.now
            guard let reply = ControlProbe.exchange(socketPath: socket, line: line) else { throw BenchFailure("no reply to \(line.prefix(40))") }
            return (started.duration(to: .now).seconds, reply)
        }
        let counters = #"{"cmd":"counters"}"#, health = #"{"cmd":"health"}"#
        var cold: [Double] = [], dumps: [Double] = [], cached: [Double] = [], during: [Double] = [], idle: [Double] = []
        var bytes = 0
        for _ in 0..<samples {
            // Past any sample's reuse window (max(0.5 s, 4 x dump)).
            Thread.sleep(forTimeInterval: max(0.6, 4.2 * (dumps.last ?? 0)))
            idle.append(try timed(health).seconds)
            Thread.sleep(forTimeInterval: max(0.6, 4.2 * (dumps.last ?? 0)))
            let healthDuring = LockedResult()
            let probe = Thread {
                usleep(5_000)
                healthDuring.set(try? timed(health).seconds)
            }
            probe.start()
            let first = try timed(counters)
            while !healthDuring.done { usleep(1_000) }
            if let seconds = healthDuring.value { during.append(seconds) }
            cold.append(first.seconds)
            bytes = first.reply.count
            guard case .counters(let sample) = try ControlWire.decode(ControlReply.self, from: String(decoding: first.reply, as: UTF8.self)),
                  sample.users.count == users else { throw BenchFailure("counters reply without \(users) users") }
            dumps.append(sample.dumpSeconds)
            cached.append(try timed(counters).seconds)
        }
        // plan: the throttled tier ("reduced") at another rate: every user's two classes change.
        let config = try String(contentsOfFile: directory + "/tierd.toml", encoding: .utf8)
            .replacingOccurrences(of: "download = \"\(KernelBenchmark.tierA.0)bit\"", with: "download = \"\(KernelBenchmark.tierA.0 + 1_000_000)bit\"")
            .replacingOccurrences(of: "upload = \"\(KernelBenchmark.tierA.1)bit\"", with: "upload = \"\(KernelBenchmark.tierA.1 + 1_000_000)bit\"")
        let usersText = try String(contentsOfFile: directory + "/users.csv", encoding: .utf8)
        let request = try ControlWire.encodeLine(ControlRequest.plan(PlanInput(
            config: .init(path: directory + "/tierd.toml", text: config), users: .init(path: directory + "/users.csv", text: usersText))))
        var plans: [Double] = []
        var changes = 0
        for _ in 0..<max(1, samples / 2) {
            let run = try timed(request)
            guard case .plan(let plan) = try ControlWire.decode(ControlReply.self, from: String(decoding: run.reply, as: UTF8.self)) else {
                throw BenchFailure("plan refused: \(String(decoding: run.reply.prefix(300), as: UTF8.self))")
            }
            changes = plan.kernel?.classesChanged ?? 0
            plans.append(run.seconds)
        }
        let median = ColdStartBenchmark.median
        return Result(users: users, countersSeconds: median(cold), dumpSeconds: median(dumps), cachedCountersSeconds: median(cached),
                      countersReplyBytes: bytes, healthDuringDumpSeconds: median(during), healthSeconds: median(idle),
                      planSeconds: median(plans), planClassChanges: changes)
    }

    /// A value one thread sets and another polls.
    private final class LockedResult: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Double?
        private var finished = false
        func set(_ value: Double?) { lock.withLock { stored = value; finished = true } }
        var done: Bool { lock.withLock { finished } }
        var value: Double? { lock.withLock { stored } }
    }
}
