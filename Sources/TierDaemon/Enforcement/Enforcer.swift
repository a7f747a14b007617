import Logging
import TrafficControl

/// Makes the kernel match the wanted shaping and remembers how the last attempt went, for
/// `tierctl health` and the metrics. Owns the `Shaper`, the only way into netlink.
public final class Enforcer {
    private let shaper: Shaper
    private let logger: Logger
    public private(set) var lastReport: ConvergeReport?
    public private(set) var lastApplyAt: Double?
    /// When the last full converge (dump + diff) ran: the periodic reconcile counts from
    /// here, not from the last incremental change, which never looks at the kernel.
    public private(set) var lastFullConvergeAt: Double?
    public private(set) var lastApplySeconds: Double = 0
    /// Errors of the last pass; empty when the kernel matched the wanted state.
    public private(set) var pendingErrors: [TrafficControlError] = []

    public init(configuration: ShaperConfiguration, logger: Logger) throws {
        shaper = try Shaper(configuration)
        self.logger = logger
    }

    /// Creates or adopts tierd's trees; throws when the device is missing or foreign.
    public func prepare() throws {
        try shaper.prepare()
        logger.info("classifier ready", metadata: ["classifier": "\(shaper.classifierOrigin?.rawValue ?? "none")"])
        for error in shaper.pinErrors {
            logger.warning("classifier not pinned; a restart without CAP_SYS_ADMIN will load a new one", metadata: ["error": "\(error)"])
        }
    }

    public var inSync: Bool { lastReport != nil && pendingErrors.isEmpty }

    /// One convergence pass. Kernel errors do not throw: they are kept, logged and retried
    /// by the next pass, so one refused object never stops the others from being applied.
    @discardableResult
    public func converge(to desired: [ShapedUser], now: Double) -> ConvergeReport? {
        let started = ContinuousClock.now
        do {
            let report = try shaper.converge(to: desired)
            record(report, started: started, now: now)
            lastFullConvergeAt = now
            return report
        } catch {
            logger.error("convergence failed", metadata: ["error": "\(error)"])
            if let error = error as? TrafficControlError { pendingErrors = [error] }
            return nil
        }
    }

    /// Whether `apply` can work: a converge has run and nothing is pending. When false, the
    /// caller converges with its full desired state instead.
    public var canApply: Bool { inSync && shaper.canApplyIncrementally }

    /// Changes only the users whose shaping changed (`users`: their new shaping; `removing`:
    /// ids that need no class any more), from the shaper's engines: no kernel dump. Returns
    /// nil when it could not (see `canApply`): the caller then converges fully.
    public func apply(_ users: [ShapedUser], removing: [String], now: Double) -> ConvergeReport? {
        guard canApply else { return nil }
        let started = ContinuousClock.now
        do {
            let report = try shaper.apply(users, removing: removing)
            // Errors make `inSync` false: the daemon's next tick converges fully and repairs.
            record(report, started: started, now: now)
            return report
        } catch {
            logger.warning("incremental change impossible; converging fully", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Whether newly throttled users took ready classes that `replenishSpares` should replace.
    public var needsSpares: Bool { inSync && shaper.needsSpares }

    /// Creates the ready classes taken since the last pass (see `ShaperConfiguration.spareClasses`).
    /// Errors are kept like any pass's, so the next tick converges fully and repairs.
    @discardableResult
    public func replenishSpares(now: Double) -> ConvergeReport? {
        let started = ContinuousClock.now
        do {
            let report = try shaper.replenishSpares()
            record(report, started: started, now: now)
            return report
        } catch {
            logger.warning("could not refill ready classes; converging fully at the next tick", metadata: ["error": "\(error)"])
            if let error = error as? TrafficControlError { pendingErrors = [error] }
            return nil
        }
    }

    /// Netlink port of the shaper's socket (see `Shaper.netlinkPort`).
    public var netlinkPort: UInt32 { shaper.netlinkPort }

    /// Whether a kernel notification concerns tierd's devices.
    public func concerns(_ event: TCEvent) -> Bool { shaper.concerns(event) }

    /// What every pass leaves for health and metrics: its report, duration and errors.
    private func record(_ report: ConvergeReport, started: ContinuousClock.Instant, now: Double) {
        let elapsed = started.duration(to: .now)
        lastApplySeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        lastReport = report
        lastApplyAt = now
        pendingErrors = report.errors
        logErrors(report)
    }

    private func logErrors(_ report: ConvergeReport) {
        for error in report.errors.prefix(20) {
            logger.error("kernel refused a change", metadata: ["error": "\(error)"])
        }
        if report.errors.count > 20 {
            logger.error("kernel refused more changes", metadata: ["count": "\(report.errors.count - 20)"])
        }
    }

    public func counters() -> [String: UserCounters] {
        (try? shaper.counters()) ?? [:]
    }

    public func readState() throws -> KernelState {
        try shaper.readState()
    }
}

extension ConvergeReport {
    /// Kernel objects created in the pass (classes, leaf and inner qdiscs, filters, map entries written).
    public var created: Int { classesCreated + qdiscsCreated + filtersCreated + entriesSet }
    /// Kernel objects deleted in the pass (map entries included).
    public var deleted: Int { classesDeleted + qdiscsDeleted + filtersDeleted + entriesDeleted }
}
