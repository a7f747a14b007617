import Logging
import TrafficControl

/// Makes the kernel match the wanted shaping and remembers how the last attempt went, for
/// `tierctl health` and the metrics. Owns one `Shaper` per subscriber-facing interface (each
/// with its IFB), the only way into netlink, and splits the users between them by the
/// interface their users-file row names (`place`).
///
/// Every question the daemon asks goes across the shapers: a pass converges each interface
/// with its own users and merges the reports; `canApply` holds only when every shaper can
/// change incrementally; notifications concern tierd when they concern any of its devices.
public final class Enforcer {
    /// In config order; the first also takes every user not placed on another.
    private let shapers: [Shaper]
    /// user id -> index in `shapers`, from the users file (see `place`).
    private var placement: [String: Int] = [:]
    private let logger: Logger
    public private(set) var lastReport: ConvergeReport?
    public private(set) var lastApplyAt: Double?
    /// When the last full converge (dump + diff) ran: the periodic reconcile counts from
    /// here, not from the last incremental change, which never looks at the kernel.
    public private(set) var lastFullConvergeAt: Double?
    /// Errors of the last pass per shaper (`shapers` order), so health can say which
    /// interface is behind.
    private var errorsByShaper: [[TrafficControlError]]
    /// Errors of the last pass; empty when the kernel matched the wanted state.
    public var pendingErrors: [TrafficControlError] { errorsByShaper.flatMap { $0 } }

    /// One configuration per interface, in config order (at least one). Opens the sockets;
    /// touches nothing.
    public init(configurations: [ShaperConfiguration], logger: Logger) throws {
        precondition(!configurations.isEmpty, "an enforcer needs at least one interface")
        shapers = try configurations.map(Shaper.init)
        errorsByShaper = Array(repeating: [], count: shapers.count)
        self.logger = logger
    }

    /// Each interface, its IFB and the errors its part of the last pass left (config order).
    public var interfaceStates: [(interface: String, ifb: String, pendingErrors: Int)] {
        zip(shapers, errorsByShaper).map { ($0.configuration.interface, $0.configuration.ifb, $1.count) }
    }

    /// Says which interface each user is behind (user id -> interface name; absent or unknown:
    /// the first). Called whenever the users change; the full converge that follows moves a
    /// user whose interface changed: its classes and map entries leave the old interface's
    /// trees (it is no longer wanted there) and are created on the new one's.
    public func place(_ interfaceOf: [String: String]) {
        placement = placementIndex(interfaceOf)
    }

    /// user id -> index in `shapers` for user id -> interface name (unknown names: absent).
    private func placementIndex(_ interfaceOf: [String: String]) -> [String: Int] {
        let index = Dictionary(shapers.enumerated().map { ($1.configuration.interface, $0) }, uniquingKeysWith: { first, _ in first })
        return interfaceOf.compactMapValues { index[$0] }
    }

    /// `items` split by the shaper their user is placed on, in `shapers` order.
    private func partition<Item>(_ items: [Item], id: (Item) -> String) -> [[Item]] {
        partition(items, by: placement, id: id)
    }

    private func partition<Item>(_ items: [Item], by placement: [String: Int], id: (Item) -> String) -> [[Item]] {
        var parts = Array(repeating: [Item](), count: shapers.count)
        for item in items { parts[placement[id(item)] ?? 0].append(item) }
        return parts
    }

    /// Creates or adopts tierd's trees on every interface; throws the first interface's
    /// failure (a missing device, a foreign qdisc), having tried them in order.
    public func prepare() throws {
        for shaper in shapers {
            try shaper.prepare()
            logger.info("classifier ready", metadata: [
                "interface": "\(shaper.configuration.interface)",
                "classifier": "\(shaper.classifierOrigin?.rawValue ?? "none")",
            ])
            for error in shaper.pinErrors {
                logger.warning("classifier not pinned; a restart without CAP_SYS_ADMIN will load a new one",
                               metadata: ["interface": "\(shaper.configuration.interface)", "error": "\(error)"])
            }
        }
    }

    public var inSync: Bool { lastReport != nil && pendingErrors.isEmpty }

    /// One convergence pass over every interface, each with its own users. Kernel errors do
    /// not throw: they are kept, logged and retried by the next pass, so one refused object
    /// (or one interface gone) never stops the others from being applied. nil when no
    /// interface could be converged at all.
    @discardableResult
    public func converge(to desired: [ShapedUser], now: Double) -> ConvergeReport? {
        var passes: [ConvergeReport] = []
        var unreadable = 0
        for (shaper, users) in zip(shapers, partition(desired, id: \.id)) {
            do {
                passes.append(try shaper.converge(to: users))
            } catch {
                logger.error("convergence failed", metadata: ["interface": "\(shaper.configuration.interface)", "error": "\(error)"])
                var failed = ConvergeReport()
                failed.errors = [Self.kernelError(error, shaper: shaper)]
                passes.append(failed)
                unreadable += 1
            }
        }
        guard unreadable < shapers.count else {
            // No interface could even be read: nothing was converged.
            errorsByShaper = passes.map(\.errors)
            return nil
        }
        let report = record(passes, now: now)
        lastFullConvergeAt = now
        return report
    }

    /// What a converge to `desired` would change on every interface, without changing
    /// anything (`tierctl plan`). `interfaceOf` places the users as `place` would (the plan's
    /// users file may move a user to another interface); nil keeps the current placement.
    public func dryRun(to desired: [ShapedUser], interfaceOf: [String: String]? = nil) throws -> ShaperDryRun {
        let placement = interfaceOf.map(placementIndex) ?? self.placement
        var merged = ShaperDryRun(report: ConvergeReport(), operations: [], operationsOmitted: 0)
        for (shaper, users) in zip(shapers, partition(desired, by: placement, id: \.id)) {
            let run = try shaper.dryRun(to: users, operationLimit: ShaperDryRun.operationLimit - merged.operations.count)
            merged.report.add(run.report)
            merged.operations += run.operations
            merged.operationsOmitted += run.operationsOmitted
        }
        return merged
    }

    /// Whether `apply` can work: a converge has run and nothing is pending on any interface.
    /// When false, the caller converges with its full desired state instead.
    public var canApply: Bool { inSync && shapers.allSatisfy(\.canApplyIncrementally) }

    /// Changes only the users whose shaping changed (`users`: their new shaping; `removing`:
    /// ids that need no class any more), each on its interface's shaper: no kernel dump.
    /// Returns nil when it could not (see `canApply`): the caller then converges fully.
    public func apply(_ users: [ShapedUser], removing: [String], now: Double) -> ConvergeReport? {
        guard canApply else { return nil }
        let usersByShaper = partition(users, id: \.id)
        let removingByShaper = partition(removing, id: { $0 })
        var passes: [ConvergeReport] = []
        do {
            for (index, shaper) in shapers.enumerated() {
                let untouched = usersByShaper[index].isEmpty && removingByShaper[index].isEmpty
                passes.append(untouched ? ConvergeReport() : try shaper.apply(usersByShaper[index], removing: removingByShaper[index]))
            }
        } catch {
            logger.warning("incremental change impossible; converging fully", metadata: ["error": "\(error)"])
            return nil
        }
        // Errors make `inSync` false: the daemon's next tick converges fully and repairs.
        return record(passes, now: now)
    }

    /// Whether newly throttled users took ready classes that `replenishSpares` should replace.
    public var needsSpares: Bool { inSync && shapers.contains(where: \.needsSpares) }

    /// Creates the ready classes taken since the last pass, on each interface that needs them
    /// (see `ShaperConfiguration.spareClasses`). Errors are kept like any pass's, so the next
    /// tick converges fully and repairs.
    @discardableResult
    public func replenishSpares(now: Double) -> ConvergeReport? {
        let passes = shapers.map { shaper in
            guard shaper.needsSpares else { return ConvergeReport() }
            do {
                return try shaper.replenishSpares()
            } catch {
                logger.warning("could not refill ready classes; converging fully at the next tick",
                               metadata: ["interface": "\(shaper.configuration.interface)", "error": "\(error)"])
                var failed = ConvergeReport()
                failed.errors = [Self.kernelError(error, shaper: shaper)]
                return failed
            }
        }
        return record(passes, now: now)
    }

    /// Netlink ports of the shapers' sockets (see `Shaper.netlinkPort`): the drift monitor
    /// ignores changes made through any of them.
    public var netlinkPorts: Set<UInt32> { Set(shapers.map(\.netlinkPort)) }

    /// Whether a kernel notification concerns tierd's devices on any interface (including a
    /// missing interface's link coming back).
    public func concerns(_ event: TCEvent) -> Bool { shapers.contains { $0.concerns(event) } }

    /// What every pass leaves for health and metrics: its report (the shapers' `passes`,
    /// in `shapers` order, merged) and errors (the daemon times the pass itself, for
    /// `tierd_apply_duration_seconds`). Returns the merged report.
    @discardableResult
    private func record(_ passes: [ConvergeReport], now: Double) -> ConvergeReport {
        var report = ConvergeReport()
        for pass in passes { report.add(pass) }
        lastReport = report
        lastApplyAt = now
        errorsByShaper = passes.map(\.errors)
        logErrors(report)
        return report
    }

    private func logErrors(_ report: ConvergeReport) {
        for error in report.errors.prefix(20) {
            logger.error("kernel refused a change", metadata: ["error": "\(error)"])
        }
        if report.errors.count > 20 {
            logger.error("kernel refused more changes", metadata: ["count": "\(report.errors.count - 20)"])
        }
    }

    /// A shaper's failure as a kernel error naming its interface (most already are one).
    private static func kernelError(_ error: any Error, shaper: Shaper) -> TrafficControlError {
        error as? TrafficControlError
            ?? TrafficControlError(operation: "converge", object: shaper.configuration.interface, reason: "\(error)")
    }

    /// Each interface's (config order) class handle per user, per direction (see
    /// `Shaper.classAssignments`), and which interface each user is on.
    public var classAssignments: (byInterface: [[[String: UInt32]]], interfaceOf: [String: Int]) {
        (shapers.map(\.classAssignments), placement)
    }

    /// Class statistics per user id, from every interface (a user is on one at a time).
    public func counters() -> [String: UserCounters] {
        shapers.reduce(into: [:]) { all, shaper in
            all.merge((try? shaper.counters()) ?? [:]) { first, _ in first }
        }
    }

    /// What tierd owns in the kernel, per interface name, read back from the kernel.
    public func readState() throws -> [String: KernelState] {
        var states: [String: KernelState] = [:]
        for shaper in shapers { states[shaper.configuration.interface] = try shaper.readState() }
        return states
    }
}

extension ConvergeReport {
    /// Kernel objects created in the pass (classes, leaf and inner qdiscs, filters, map entries written).
    public var created: Int { classesCreated + qdiscsCreated + filtersCreated + entriesSet }
    /// Kernel objects deleted in the pass (map entries included).
    public var deleted: Int { classesDeleted + qdiscsDeleted + filtersDeleted + entriesDeleted }
}
