import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP re-reads the config and users file (what `systemctl reload` sends).
/// ServiceLifecycle has no reload hook, so the signal is trapped here; SIGHUP must not be
/// one of the group's shutdown signals.
///
/// The signal is trapped (`signals` created) before READY=1 is sent, so a reload requested
/// right after start-up is never SIGHUP's default action, which would kill the daemon.
struct ReloadService: Service {
    let daemon: Daemon
    let notifier: SystemdNotifier
    let signals: UnixSignalsSequence

    func run() async throws {
        // Ends with the group: cancelOnGracefulShutdown stops the signal sequence.
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = await daemon.reload(notifier: notifier)
        }
    }
}
