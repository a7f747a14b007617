import ServiceLifecycle

/// Sends `WATCHDOG=1` while the daemon actor answers, so systemd restarts a daemon that is
/// stuck rather than one that is merely busy sending keep-alives from another thread.
struct WatchdogService: Service {
    let daemon: Daemon
    let notifier: SystemdNotifier
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let status = await daemon.summaryLine()
            notifier.send(["WATCHDOG=1", "STATUS=" + status])
            try? await Task.sleep(for: interval)
        }
    }
}
