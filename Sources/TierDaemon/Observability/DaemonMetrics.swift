import Control
import Prometheus
import Synchronization

/// tierd's Prometheus metrics. Labels are tiers, directions, reasons, operations and interfaces, never
/// user ids: per-user series would grow without bound and would profile individuals.
public final class DaemonMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    let feedAccepted: Counter
    let feedUnknownUsers: Counter
    let feedOutOfOrder: Counter
    let feedFileUp: Gauge
    let feedFileFailures: Counter
    let tierChanges: Counter
    let netlinkCreated: Counter
    let netlinkChanged: Counter
    let netlinkDeleted: Counter
    let netlinkErrors: Counter
    let reconcileRepairs: Counter
    let applyDuration: DurationHistogram
    let kernelInSync: Gauge
    /// What the control counters held when last exported: the server keeps totals, the
    /// registry's counters take increments.
    private let exportedControl = Mutex(ControlServerStatistics())

    public init() {
        feedAccepted = registry.makeCounter(descriptor: Self.metric("feed_events_applied_total", "Feed events applied to scores."))
        feedUnknownUsers = registry.makeCounter(descriptor: Self.metric("feed_unknown_user_total", "Feed events for ids not in the users file."))
        feedOutOfOrder = registry.makeCounter(descriptor: Self.metric("feed_out_of_order_total", "Timestamped events older than the last one applied, ignored."))
        feedFileUp = registry.makeGauge(descriptor: Self.metric("feed_file_up", "0 while the file feed cannot read its file (see health), else 1."))
        feedFileFailures = registry.makeCounter(descriptor: Self.metric("feed_file_failures_total", "Times the file feed failed to read its file (wrong file type, permission, I/O error, directory gone)."))
        tierChanges = registry.makeCounter(descriptor: Self.metric("tier_changes_total", "Tier changes decided."))
        netlinkCreated = registry.makeCounter(descriptor: Self.metric("netlink_objects_total", "Kernel objects changed through netlink."), labels: [("operation", "create")])
        netlinkChanged = registry.makeCounter(descriptor: Self.metric("netlink_objects_total", "Kernel objects changed through netlink."), labels: [("operation", "change")])
        netlinkDeleted = registry.makeCounter(descriptor: Self.metric("netlink_objects_total", "Kernel objects changed through netlink."), labels: [("operation", "delete")])
        netlinkErrors = registry.makeCounter(descriptor: Self.metric("netlink_errors_total", "Kernel refusals of netlink requests."))
        reconcileRepairs = registry.makeCounter(descriptor: Self.metric("reconcile_repairs_total", "Kernel objects restored because the kernel had drifted from tierd's state."))
        applyDuration = registry.makeDurationHistogram(
            descriptor: Self.metric("apply_duration", "Time of one convergence pass.", unit: "seconds"),
            buckets: [.microseconds(100), .milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)])
        kernelInSync = registry.makeGauge(descriptor: Self.metric("kernel_in_sync", "1 when the kernel matched the wanted state after the last pass."))
    }

    /// Feed rejections by enumerated reason (bounded label set).
    func feedRejected(reason: String, by count: Int) {
        registry.makeCounter(descriptor: Self.metric("feed_rejected_total", "Feed lines rejected, by reason."), labels: [("reason", reason)])
            .increment(by: Int64(count))
    }

    /// Failed writes in state_dir, by kind (`state`: snapshot, journal, the directory itself;
    /// `audit`: the audit log).
    func persistenceFailed(kind: String) {
        registry.makeCounter(descriptor: Self.metric("persistence_errors_total", "Failed writes in state_dir, by kind."), labels: [("kind", kind)])
            .increment()
    }

    /// Per-tier gauges refreshed at scrape time from the daemon's state and class counters.
    func setTierGauges(usersPerTier: [String: Int], throttled: Int, traffic: [TierTraffic]) {
        for (tier, count) in usersPerTier {
            registry.makeGauge(descriptor: Self.metric("users", "Users currently in each tier."), labels: [("tier", tier)]).set(Double(count))
        }
        registry.makeGauge(descriptor: Self.metric("users_throttled", "Users whose tier limits their download or upload."))
            .set(Double(throttled))
        for row in traffic {
            let labels = [("tier", row.tier), ("direction", row.direction)]
            registry.makeGauge(descriptor: Self.metric("tier_bytes", "Bytes sent by the classes of users now in this tier (class counters)."), labels: labels).set(Double(row.bytes))
            registry.makeGauge(descriptor: Self.metric("tier_drops", "Packets dropped by the classes of users now in this tier (class counters)."), labels: labels).set(Double(row.drops))
        }
    }

    /// Brings the control socket's counters up to the server's totals (scrape time).
    /// Per-interface gauges (users, throttled users, kernel in sync), refreshed at scrape time:
    /// on a gateway with several access sides, which one is behind.
    func setInterfaceGauges(_ interfaces: [InterfaceHealth]) {
        for interface in interfaces {
            let labels = [("interface", interface.name)]
            registry.makeGauge(descriptor: Self.metric("interface_users", "Users behind each subscriber-facing interface."), labels: labels)
                .set(Double(interface.users))
            registry.makeGauge(descriptor: Self.metric("interface_throttled", "Throttled users behind each subscriber-facing interface."), labels: labels)
                .set(Double(interface.throttled))
            registry.makeGauge(descriptor: Self.metric("interface_kernel_in_sync", "1 when the interface's part of the last pass left no error."), labels: labels)
                .set(Double(interface.kernelInSync ? 1 : 0))
        }
    }

    func setControlStatistics(_ statistics: ControlServerStatistics) {
        let previous = exportedControl.withLock { exported in
            defer { exported = statistics }
            return exported
        }
        func add(_ name: String, _ help: String, labels: [(String, String)] = [], _ value: KeyPath<ControlServerStatistics, Int>) {
            let delta = max(0, statistics[keyPath: value] - previous[keyPath: value])
            registry.makeCounter(descriptor: Self.metric(name, help), labels: labels).increment(by: Int64(delta))
        }
        add("control_connections_total", "Control connections accepted and served.", \.connections)
        add("control_bad_requests_total", "Control requests answered bad_request.", \.badRequests)
        add("control_timeouts_total", "Control connections closed for not sending a complete request in time.", \.idleDisconnects)
        let refused = "Control connections refused at accept time, by the limit they hit."
        add("control_refused_total", refused, labels: [("reason", "user_limit")], \.refusedUserLimit)
        add("control_refused_total", refused, labels: [("reason", "server_full")], \.refusedServerFull)
        add("control_refused_total", refused, labels: [("reason", "admin_limit")], \.refusedAdminLimit)
        add("control_refused_total", refused, labels: [("reason", "unidentified")], \.refusedUnidentified)
    }

    public func render() -> String { registry.emitToString() }

    /// Every tierd metric is `tierd_<name>[_<unit>]`.
    static func metric(_ name: String, _ help: String, unit: String = "") -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tierd", metricName: name, unitName: unit, helpText: help)
    }
}

/// Bytes and drops summed over the classes of one tier in one direction.
struct TierTraffic: Sendable {
    let tier: String
    let direction: String
    let bytes: UInt64
    let drops: UInt64
}
