import Foundation
import Synchronization
import Testing
import TestSupport

/// A restart must not disturb traffic (docs/design.md, principle 3): with the config unchanged,
/// the new process adopts the tree as it is, creating and deleting nothing.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct RestartAdoptionEndToEndTests {
    /// Polls `tc class show` on both devices on its own thread, recording every moment a
    /// throttled user's class was missing.
    private final class ClassWatcher: Sendable {
        private let gaps = Mutex<[String]>([])
        private let polls = Atomic<Int>(0)
        private let stopped = Atomic<Bool>(false)
        private let done = Atomic<Bool>(false)

        func start(_ kernel: KernelObservation, expecting rates: [(rate: String, upload: Bool)]) {
            let thread = Thread { [self] in
                while !stopped.load(ordering: .acquiring) {
                    for (rate, upload) in rates where (try? kernel.classHandle(rate: rate, upload: upload)) == nil {
                        gaps.withLock { $0.append("\(upload ? "upload" : "download") \(rate) missing at poll \(polls.load(ordering: .relaxed))") }
                    }
                    polls.add(1, ordering: .relaxed)
                    usleep(20_000)
                }
                done.store(true, ordering: .releasing)
            }
            thread.start()
        }

        func stop() -> (gaps: [String], polls: Int) {
            stopped.store(true, ordering: .releasing)
            while !done.load(ordering: .acquiring) { usleep(5_000) }
            return (gaps.withLock { $0 }, polls.load(ordering: .relaxed))
        }
    }

    @Test func restartWithUnchangedConfigCreatesAndDeletesNothing() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        let ctl = daemon.ctl
        let kernel = daemon.kernel

        try daemon.appendFeed(#"{"user":"alice","score":100}"# + "\n" + #"{"user":"carol","score":600}"# + "\n")
        let rates: [(rate: String, upload: Bool)] = [("2Mbit", false), ("20Mbit", false), ("1Mbit", true), ("5Mbit", true)]
        #expect(try eventually { try rates.allSatisfy { try kernel.classHandle(rate: $0.rate, upload: $0.upload) != nil } },
                "log: \(daemon.log)")
        let handlesBefore = try rates.map { try kernel.classHandle(rate: $0.rate, upload: $0.upload) }

        let monitor = try daemon.net.start(daemon.net.serverNS, ["tc", "monitor"])
        defer { monitor.stop() }
        let watcher = ClassWatcher()
        watcher.start(kernel, expecting: rates)
        usleep(200_000)

        #expect(daemon.stop() == 0, "log: \(daemon.log)")
        try daemon.launch()
        #expect(try eventually { try tierctl(ctl + ["health"]).status == 0 }, "restarted daemon never became healthy: \(daemon.log)")
        usleep(500_000)
        let watch = watcher.stop()
        #expect(watch.gaps == [], "classes missing during the restart")
        #expect(watch.polls > 5, "the watcher must have polled during the restart")
        #expect(try rates.map { try kernel.classHandle(rate: $0.rate, upload: $0.upload) } == handlesBefore, "classes adopted, not rebuilt")

        // A marker on another device, then a real change by the new daemon: the monitor's
        // output before the marker is the restart's, after it proves the monitor records.
        _ = try kernel.tc(["qdisc", "add", "dev", "lo", "root", "handle", "4d:", "pfifo"])
        try daemon.appendFeed(#"{"user":"bob","score":100}"# + "\n")
        #expect(try eventually { try kernel.classes().components(separatedBy: " rate 2Mbit ").count == 3 }, "bob's class: \(daemon.log)")
        usleep(200_000)
        monitor.stop()
        let output = monitor.waitForOutput()
        let parts = output.components(separatedBy: "qdisc pfifo 4d: dev lo")
        #expect(parts.count == 2, "marker not seen: \(output)")
        // (Adding the marker replaces lo's default noqueue qdisc: that line is the marker's own.)
        let restart = parts[0].split(separator: "\n").filter {
            ($0.contains("class") || $0.contains("filter") || $0.contains("qdisc")) && !$0.contains(" dev lo ")
        }
        #expect(restart == [], "kernel objects touched by the restart")
        #expect(parts.count == 2 && parts[1].contains("class htb"), "the monitor recorded the later change: \(output)")
    }
}
