import Prometheus

/// tierd's Prometheus metrics. Labels are tiers, directions, reasons and operations, never
/// user ids: per-user series would grow without bound and would profile individuals.
public final class DaemonMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    let feedAccepted: Counter
    let feedUnknownUsers: Counter
    let feedOutOfOrder: Counter
    let tierChanges: Counter
    let netlinkCreated: Counter
    let netlinkChanged: Counter
    let netlinkDeleted: Counter
    let netlinkErrors: Counter
    let reconcileRepairs: Counter
    let applyDuration: DurationHistogram
    let kernelInSync: Gauge

    public init() {
        feedAccepted = registry.makeCounter(name: "tierd_feed_events_applied_total", help: "Feed events applied to scores.")
        feedUnknownUsers = registry.makeCounter(name: "tierd_feed_unknown_user_total", help: "Feed events for ids not in the users file.")
        feedOutOfOrder = registry.makeCounter(name: "tierd_feed_out_of_order_total", help: "Timestamped events older than the last one applied, ignored.")
        tierChanges = registry.makeCounter(name: "tierd_tier_changes_total", help: "Tier changes decided.")
        netlinkCreated = registry.makeCounter(name: "tierd_netlink_objects_total", labels: [("operation", "create")], help: "Kernel objects changed through netlink.")
        netlinkChanged = registry.makeCounter(name: "tierd_netlink_objects_total", labels: [("operation", "change")], help: "Kernel objects changed through netlink.")
        netlinkDeleted = registry.makeCounter(name: "tierd_netlink_objects_total", labels: [("operation", "delete")], help: "Kernel objects changed through netlink.")
        netlinkErrors = registry.makeCounter(name: "tierd_netlink_errors_total", help: "Kernel refusals of netlink requests.")
        reconcileRepairs = registry.makeCounter(name: "tierd_reconcile_repairs_total", help: "Kernel objects restored because the kernel had drifted from tierd's state.")
        applyDuration = registry.makeDurationHistogram(
            name: "tierd_apply_duration_seconds",
            buckets: [.microseconds(100), .milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)],
            help: "Time of one convergence pass.")
        kernelInSync = registry.makeGauge(name: "tierd_kernel_in_sync", help: "1 when the kernel matched the wanted state after the last pass.")
    }

    /// Feed rejections by enumerated reason (bounded label set).
    func feedRejected(reason: String, by count: Int) {
        registry.makeCounter(name: "tierd_feed_rejected_total", labels: [("reason", reason)], help: "Feed lines rejected, by reason.")
            .increment(by: Int64(count))
    }

    /// Per-tier gauges refreshed at scrape time from the daemon's state and class counters.
    func setTierGauges(usersPerTier: [String: Int], traffic: [TierTraffic]) {
        for (tier, count) in usersPerTier {
            registry.makeGauge(name: "tierd_users", labels: [("tier", tier)], help: "Users currently in each tier.").set(Double(count))
        }
        for row in traffic {
            let labels = [("tier", row.tier), ("direction", row.direction)]
            registry.makeGauge(name: "tierd_tier_bytes", labels: labels, help: "Bytes sent by the classes of users now in this tier (class counters).").set(Double(row.bytes))
            registry.makeGauge(name: "tierd_tier_drops", labels: labels, help: "Packets dropped by the classes of users now in this tier (class counters).").set(Double(row.drops))
        }
    }

    public func render() -> String { registry.emitToString() }
}

/// Bytes and drops summed over the classes of one tier in one direction.
struct TierTraffic: Sendable {
    let tier: String
    let direction: String
    let bytes: UInt64
    let drops: UInt64
}
