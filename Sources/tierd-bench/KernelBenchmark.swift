import Foundation
import TrafficControl

/// The kernel part: cold applies (tierd, tierd's layout via `tc -batch`, flat `tc -batch`),
/// restart adoption and tier change latency. Every measurement gets a fresh namespace that is
/// torn down before the next, so each build is cold and sees no other benchmark classes.
struct KernelBenchmark {
    /// Cold apply sizes: users, all throttled in both directions.
    var sizes: [Int]
    /// The sparse case: this many users of which `sparseThrottled` are throttled.
    var sparseUsers: Int
    var sparseThrottled: Int
    /// Throttled users for adoption and the large-tree latencies (2 classes each).
    var largeTreeUsers: Int
    /// Tier changes on a small tree (the issue asks for >= 10,000 samples).
    var smallTreeChanges: Int
    /// Wall-time budget for each large-tree latency series; at least `minimumLargeSamples`.
    var largeTreeBudgetSeconds: Double
    var minimumLargeSamples: Int
    /// A flat `tc -batch` run longer than this is stopped and reported as a lower bound.
    var flatTimeoutSeconds: Double
    let log: (String) -> Void

    /// The two throttled tiers a user moves between (bit/s, download/upload).
    static let tierA: (UInt64, UInt64) = (20_000_000, 5_000_000)
    static let tierB: (UInt64, UInt64) = (2_000_000, 1_000_000)

    func run(into results: inout BenchResults) throws {
        try runColdApply(into: &results)
        try runChanges(into: &results)
    }

    /// The cold applies: every size of `sizes` fully throttled, then the sparse case.
    func runColdApply(into results: inout BenchResults) throws {
        for size in sizes {
            results.coldApply.append(try coldApply(users: size, throttled: size))
        }
        results.coldApply.append(try coldApply(users: sparseUsers, throttled: sparseThrottled))
    }

    /// Restart adoption and the one-user change latencies.
    func runChanges(into results: inout BenchResults) throws {
        try largeTree(into: &results)
        results.tierChange.insert(try smallTreeLatency(), at: 0)
    }

    /// The daemon's configuration: ready classes included (`[network] spare_classes` default).
    private func configuration(_ namespace: BenchNamespace, spareClasses: Int = ShaperConfiguration.defaultSpareClasses) -> ShaperConfiguration {
        ShaperConfiguration(interface: namespace.device, ifb: namespace.ifb, namespace: namespace.name, spareClasses: spareClasses)
    }

    // MARK: cold apply

    func coldApply(users count: Int, throttled: Int) throws -> ColdApplyResult {
        let users = BenchUser.make(count: count, throttled: throttled, rates: Self.tierA)
        let desired = users.map(\.shaped)
        log("cold apply: \(count) users, \(throttled) throttled")

        // tierd: prepare() + converge() on a fresh namespace.
        var tierdSeconds = 0.0, leafKind = "pfifo", errors: [String] = []
        let tierdSignature = try BenchNamespace.with { namespace in
            let shaper = try Shaper(configuration(namespace))
            let start = ContinuousClock.now
            try shaper.prepare()
            let report = try shaper.converge(to: desired)
            tierdSeconds = start.duration(to: .now).seconds
            leafKind = shaper.leafQdiscKind
            errors = report.errors.prefix(5).map { "\($0)" }
            return LayoutSignature(try shaper.readState())
        }
        log(String(format: "  tierd        %8.3f s", tierdSeconds))

        // The kernel floor: tierd's own plan through tc -batch, bpftool and tc filter.
        var floor = ColdBuildFloor.Outcome(tcSeconds: 0, classifierSeconds: 0)
        let floorSignature = try BenchNamespace.with { namespace in
            try namespace.addIFB()
            floor = try ColdBuildFloor.run(desired, in: namespace, leafKind: leafKind, spareClasses: ShaperConfiguration.defaultSpareClasses)
            return LayoutSignature(try Shaper(configuration(namespace)).readState())
        }
        let floorSeconds = floor.seconds
        log(String(format: "  tc (tierd's layout) %8.3f s (tc -batch %.3f s, classifier %.3f s)",
                   floorSeconds, floor.tcSeconds, floor.classifierSeconds))

        // The usual approach: a flat HTB per direction, filters in one list.
        var flatSeconds = 0.0, flatTimedOut = false
        let flatCounts = try BenchNamespace.with { namespace in
            try namespace.addIFB()
            let script = TcBatchBaseline.flatScript(users: users, device: namespace.device, ifb: namespace.ifb, leafKind: leafKind)
            let outcome = try TcBatchBaseline.run(script: script, in: namespace, timeout: flatTimeoutSeconds)
            flatSeconds = outcome.seconds
            flatTimedOut = outcome.timedOut
            return outcome.timedOut ? ObjectCounts() : try flatObjectCounts(namespace)
        }
        log("  tc (flat)    " + (flatTimedOut ? ">" : " ") + String(format: "%8.3f s", flatSeconds))

        let differences = tierdSignature.differences(from: floorSignature)
        var result = ColdApplyResult(
            users: count, throttled: throttled, tierdSeconds: tierdSeconds, floorSeconds: floorSeconds,
            floorClassifierSeconds: floor.classifierSeconds, flatSeconds: flatSeconds,
            flatTimedOut: flatTimedOut, speedupOverFlat: flatSeconds / tierdSeconds, ratioToFloor: tierdSeconds / floorSeconds,
            tierdObjects: tierdSignature.counts, floorObjects: floorSignature.counts, flatObjects: flatCounts,
            floorMatchesTierd: differences.isEmpty, layoutDifferences: differences, tierdErrors: errors,
            leafQdisc: leafKind, targets: [])
        let applied = errors.isEmpty
        if throttled == count {
            let scope = count == 10_000 ? "" : " (target set for 10k)"
            result.targets.append(TargetCheck(name: "faster than flat tc\(scope)", limit: ">= 4x",
                                              measured: (flatTimedOut ? ">=" : "") + String(format: "%.2fx", result.speedupOverFlat),
                                              pass: applied && result.speedupOverFlat >= 4, informative: count != 10_000))
            result.targets.append(TargetCheck(name: "close to the floor\(scope)", limit: "<= 1.1x",
                                              measured: String(format: "%.2fx", result.ratioToFloor),
                                              pass: applied && result.ratioToFloor <= 1.1, informative: count != 10_000))
        } else {
            result.targets.append(TargetCheck(name: "\(count / 1000)k users, \(throttled / 1000)k throttled", limit: "<= 1.5 s",
                                              measured: String(format: "%.3f s", tierdSeconds), pass: applied && tierdSeconds <= 1.5))
        }
        return result
    }

    /// The flat tree is not tierd's, so the Shaper cannot read it; count with `tc` instead.
    private func flatObjectCounts(_ namespace: BenchNamespace) throws -> ObjectCounts {
        var counts = ObjectCounts()
        for dev in [namespace.device, namespace.ifb] {
            let qdiscs = try Shell.run(["tc", "-n", namespace.name, "qdisc", "show", "dev", dev])
            counts.qdiscs += qdiscs.split(separator: "\n").filter { $0.hasPrefix("qdisc") }.count
            let classes = try Shell.run(["tc", "-n", namespace.name, "class", "show", "dev", dev])
            counts.classes += classes.split(separator: "\n").filter { $0.hasPrefix("class") }.count
        }
        // One "filter ... fh" line per u32 node or table; ingress on the device, egress on both.
        for (dev, parent) in [(namespace.device, "1:"), (namespace.ifb, "1:"), (namespace.device, "ffff:")] {
            let filters = try Shell.run(["tc", "-n", namespace.name, "filter", "show", "dev", dev, "parent", parent])
            counts.filters += filters.split(separator: "\n").filter { $0.hasPrefix("filter") }.count
        }
        return counts
    }

    // MARK: adoption and latency on a large tree

    /// One tree of `largeTreeUsers` throttled users (2 classes each): restart adoption, tier
    /// changes between two throttled tiers, and unthrottled -> throttled moves.
    private func largeTree(into results: inout BenchResults) throws {
        let spare = 1_000
        var users = BenchUser.make(count: largeTreeUsers + spare, throttled: largeTreeUsers, rates: Self.tierA)
        let base = users.prefix(largeTreeUsers).map(\.shaped)
        log("large tree: \(largeTreeUsers) throttled users")
        try BenchNamespace.with { namespace in
            let first = try Shaper(configuration(namespace))
            try first.prepare()
            let initial = try first.converge(to: base)
            guard initial.errors.isEmpty else { throw BenchFailure("initial converge failed: \(initial.errors[0])") }

            // Restart adoption: a new Shaper on the existing tree.
            log("  restart adoption")
            settle()
            let second = try Shaper(configuration(namespace))
            let start = ContinuousClock.now
            try second.prepare()
            let adopt = try second.converge(to: base)
            let seconds = start.duration(to: .now).seconds
            // totalChanges counts map entries too: an adoption that rewrote every entry
            // would change no qdisc, class or filter and still not be an adoption.
            let entriesChanged = adopt.entriesSet + adopt.entriesDeleted
            let objectsChanged = adopt.totalChanges - entriesChanged
            let clean = adopt.errors.isEmpty
            results.adoption = AdoptionResult(
                users: largeTreeUsers, seconds: seconds, objectsChanged: objectsChanged, entriesChanged: entriesChanged,
                errors: adopt.errors.count, targetSeconds: 0.5,
                targets: [
                    TargetCheck(name: "adoption time", limit: "<= 0.5 s", measured: String(format: "%.3f s", seconds),
                                pass: clean && seconds <= 0.5),
                    TargetCheck(name: "nothing changed", limit: "0 kernel objects and 0 map entries changed",
                                measured: "\(objectsChanged) kernel objects and \(entriesChanged) map entries changed",
                                pass: clean && adopt.totalChanges == 0),
                ])
            log(String(format: "  adoption %.3f s, %d kernel objects and %d map entries changed", seconds, objectsChanged, entriesChanged))

            // Tier changes: one user at a time between tier A and tier B, through the
            // incremental path the daemon uses for feed-driven changes.
            let classes = 2 * largeTreeUsers
            var desired = base
            settle()
            let changes = try series(budget: largeTreeBudgetSeconds, minimum: minimumLargeSamples, maximum: 10_000) { index in
                try timedTierSwap(&desired[(index * 7919) % desired.count], on: second)
            }
            results.tierChange.append(LatencyResult(
                name: "tier change (throttled -> throttled), apply", throttledUsers: largeTreeUsers, userClassesPresent: classes,
                latency: changes, targetP99Microseconds: 50, pass: changes.p99Microseconds <= 50,
                note: "Shaper.apply: both directions' classes changed in place, no dump"))
            log(String(format: "  tier change p50 %.0f us p99 %.0f us (%d samples)", changes.p50Microseconds, changes.p99Microseconds, changes.samples))

            // Address changes: one address bound to a user who keeps their class (timed), then
            // moved to another throttled user (timed), then unbound (untimed). Each is one map
            // entry written or deleted per direction and nothing else. A new address every
            // sample (172.16/12, outside BenchUser's 10/8), so every bind inserts a new key.
            var binds: [Double] = []
            settle()
            let moves = try series(budget: largeTreeBudgetSeconds, minimum: minimumLargeSamples, maximum: 10_000) { index in
                let address = IPPrefix(bytes: [172, 16 + UInt8((index >> 16) & 0x0f), UInt8((index >> 8) & 0xff), UInt8(index & 0xff)],
                                       length: 32)!
                let from = desired[(index * 7919) % desired.count], to = desired[(index * 7919 + 1) % desired.count]
                var bound = from
                bound.addresses.append(address)
                binds.append(try timedEntryChange([bound], on: second, set: 2))
                var moved = to
                moved.addresses.append(address)
                let elapsed = try timedEntryChange([from, moved], on: second, set: 2)
                _ = try timedEntryChange([to], on: second, deleted: 2)
                return elapsed
            }
            let bindSummary = LatencySummary(seconds: binds)
            results.tierChange.append(LatencyResult(
                name: "address bound to a user (map entry), apply", throttledUsers: largeTreeUsers, userClassesPresent: classes,
                latency: bindSummary, targetP99Microseconds: 50, pass: bindSummary.p99Microseconds <= 50,
                note: "Shaper.apply: a throttled user gains an address: one map entry set per direction, no class touched"))
            results.tierChange.append(LatencyResult(
                name: "address moved to another user (map entry), apply", throttledUsers: largeTreeUsers, userClassesPresent: classes,
                latency: moves, targetP99Microseconds: 50, pass: moves.p99Microseconds <= 50,
                note: "Shaper.apply of both users: the address's map entry rewritten to the other class, per direction"))
            log(String(format: "  address bound p50 %.0f us p99 %.0f us; moved p50 %.0f us p99 %.0f us (%d samples)",
                       bindSummary.p50Microseconds, bindSummary.p99Microseconds, moves.p50Microseconds, moves.p99Microseconds, moves.samples))

            // Unthrottled -> throttled, as the daemon does it: the user takes a ready class (its
            // rate set in place), gets its map entries, and nothing is created (timed).
            // Then, untimed for the user, what the daemon does on its next tick: refill the
            // ready classes (timed apart: off the user's path); and the user's removal, which
            // deletes the class because the ready ones are complete again (so every sample pays
            // a real creation in the refill, none is a parked class coming back).
            var refills: [Double] = []
            // The spare user for sample `index`, now in tier A.
            func newlyThrottled(_ index: Int) -> BenchUser {
                let slot = largeTreeUsers + index % spare
                users[slot].download = Self.tierA.0
                users[slot].upload = Self.tierA.1
                return users[slot]
            }
            settle()
            let takes = try series(budget: largeTreeBudgetSeconds, minimum: minimumLargeSamples, maximum: 10_000) { index in
                let user = newlyThrottled(index)
                let start = ContinuousClock.now
                let report = try second.apply([user.shaped], removing: [])
                let elapsed = start.duration(to: .now).seconds
                try expect(report, changed: 2)
                let refillStart = ContinuousClock.now
                let refill = try second.replenishSpares()
                refills.append(refillStart.duration(to: .now).seconds)
                try expect(refill, created: 2)
                let removal = try second.apply([], removing: [user.id])
                guard removal.errors.isEmpty, removal.classesDeleted == 2 else { throw BenchFailure("removal did not delete the 2 classes") }
                return elapsed
            }
            results.tierChange.append(LatencyResult(
                name: "unthrottled -> throttled, apply", throttledUsers: largeTreeUsers, userClassesPresent: classes,
                latency: takes, targetP99Microseconds: 1000, pass: takes.p99Microseconds <= 1000,
                note: "timed: Shaper.apply giving the user a ready class (rate set in place) and its map entries, as the daemon does"))
            log(String(format: "  unthrottled -> throttled p50 %.0f us p99 %.0f us (%d samples)", takes.p50Microseconds, takes.p99Microseconds, takes.samples))
            let refillSummary = LatencySummary(seconds: refills)
            results.tierChange.append(LatencyResult(
                name: "ready class refill after it", throttledUsers: largeTreeUsers, userClassesPresent: classes,
                latency: refillSummary, targetP99Microseconds: nil, pass: true,
                note: "Shaper.replenishSpares: 2 classes with leaves created, after the user is shaped (the daemon's next tick)"))

            // The same move without ready classes (spare_classes = 0): the kernel's cost of
            // creating 2 classes with 20k present, which the ready classes take off the user's path.
            let bare = try Shaper(configuration(namespace, spareClasses: 0))
            try bare.prepare()
            let dropped = try bare.converge(to: base)
            guard dropped.errors.isEmpty else { throw BenchFailure("converge without ready classes failed: \(dropped.errors[0])") }
            settle()
            let creations = try series(budget: largeTreeBudgetSeconds, minimum: minimumLargeSamples, maximum: 10_000) { index in
                let user = newlyThrottled(index)
                let start = ContinuousClock.now
                let report = try bare.apply([user.shaped], removing: [])
                let elapsed = start.duration(to: .now).seconds
                try expect(report, created: 2)
                _ = try bare.apply([], removing: [user.id])
                return elapsed
            }
            results.tierChange.append(LatencyResult(
                name: "unthrottled -> throttled, no ready classes", throttledUsers: largeTreeUsers, userClassesPresent: classes,
                latency: creations, targetP99Microseconds: nil, pass: true,
                note: "spare_classes = 0: Shaper.apply creating the user's classes, leaves and map entries; the removal is not timed"))
            log(String(format: "  without ready classes p50 %.0f us p99 %.0f us (%d samples)", creations.p50Microseconds, creations.p99Microseconds, creations.samples))
        }
    }

    /// >= 10,000 tier changes on a small tree: the incremental path with nothing else around.
    private func smallTreeLatency() throws -> LatencyResult {
        let count = 10
        log("small tree: \(count) throttled users, \(smallTreeChanges) tier changes")
        var desired = BenchUser.make(count: count, throttled: count, rates: Self.tierA).map(\.shaped)
        let summary = try BenchNamespace.with { namespace in
            let shaper = try Shaper(configuration(namespace))
            try shaper.prepare()
            _ = try shaper.converge(to: desired)
            return try series(budget: .infinity, minimum: smallTreeChanges, maximum: smallTreeChanges) { index in
                try timedTierSwap(&desired[index % count], on: shaper)
            }
        }
        log(String(format: "  p50 %.0f us p99 %.0f us", summary.p50Microseconds, summary.p99Microseconds))
        return LatencyResult(name: "tier change (throttled -> throttled), apply, small tree", throttledUsers: count,
                             userClassesPresent: 2 * count, latency: summary, targetP99Microseconds: nil,
                             pass: true,
                             note: "Shaper.apply on a tree of 10 users: the netlink round trip alone")
    }

    /// A pause before each timed part: deleting a big tree (the previous row's namespace) or
    /// building one leaves the kernel freeing objects in deferred work for a while, which
    /// would otherwise compete with the first samples of the next measurement.
    private func settle() {
        Thread.sleep(forTimeInterval: 0.5)
    }

    /// Moves `user` between tier A and tier B with `Shaper.apply`; the call's time, which must
    /// have changed both directions' classes in place.
    private func timedTierSwap(_ user: inout ShapedUser, on shaper: Shaper) throws -> Double {
        let toB = user.download == Self.tierA.0
        user.download = toB ? Self.tierB.0 : Self.tierA.0
        user.upload = toB ? Self.tierB.1 : Self.tierA.1
        let start = ContinuousClock.now
        let report = try shaper.apply([user], removing: [])
        let elapsed = start.duration(to: .now).seconds
        try expect(report, changed: 2)
        return elapsed
    }

    /// `Shaper.apply` of `users` (their classes unchanged); the call's time, which must have
    /// set or deleted exactly the given map entries and changed nothing else.
    private func timedEntryChange(_ users: [ShapedUser], on shaper: Shaper, set: Int = 0, deleted: Int = 0) throws -> Double {
        let start = ContinuousClock.now
        let report = try shaper.apply(users, removing: [])
        let elapsed = start.duration(to: .now).seconds
        guard report.errors.isEmpty else { throw BenchFailure("apply failed: \(report.errors[0])") }
        guard report.entriesSet == set, report.entriesDeleted == deleted, report.totalChanges == set + deleted else {
            throw BenchFailure("apply set \(report.entriesSet) and deleted \(report.entriesDeleted) map entries and made \(report.totalChanges) changes in all, expected \(set)/\(deleted)")
        }
        return elapsed
    }

    /// Runs `sample` until `maximum` samples, or the budget is spent and `minimum` are taken.
    private func series(budget: Double, minimum: Int, maximum: Int, _ sample: (Int) throws -> Double) throws -> LatencySummary {
        var samples: [Double] = []
        let start = ContinuousClock.now
        while samples.count < maximum && (samples.count < minimum || start.duration(to: .now).seconds < budget) {
            samples.append(try sample(samples.count))
        }
        return LatencySummary(seconds: samples)
    }

    /// A latency sample only counts if the call did exactly the expected work.
    private func expect(_ report: ConvergeReport, changed: Int = 0, created: Int = 0) throws {
        guard report.errors.isEmpty else { throw BenchFailure("converge failed: \(report.errors[0])") }
        guard report.classesChanged == changed, report.classesCreated == created else {
            throw BenchFailure("converge changed \(report.classesChanged) and created \(report.classesCreated) classes, expected \(changed)/\(created)")
        }
    }
}

/// A benchmark step that did not do what it measures.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
