import ServiceLifecycle

/// Drives everything time-based: due tier changes (decay, dwell, staleness, override expiry),
/// the periodic reconcile and snapshot writes. Ticks 5 times a second; each tick is O(1)
/// unless something is due, so changes happen within 200 ms of their due instant without
/// any pass over all users.
struct TickService: Service {
    let daemon: Daemon
    var interval: Duration = .milliseconds(200)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // A sleep cut short by shutdown is not an error: the loop condition ends it.
            try? await Task.sleep(for: interval)
            await daemon.tick()
        }
    }
}
