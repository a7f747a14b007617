import Logging
import ServiceLifecycle

/// SIGHUP re-reads the config and users file (what `systemctl reload` sends).
/// ServiceLifecycle has no reload hook, so the signal is trapped here; SIGHUP must not be
/// one of the group's shutdown signals.
struct ReloadService: Service {
    let daemon: Daemon
    let notifier: SystemdNotifier

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        try await cancelWhenGracefulShutdown {
            for await _ in signals {
                _ = await daemon.reload(notifier: notifier)
            }
        }
    }
}
