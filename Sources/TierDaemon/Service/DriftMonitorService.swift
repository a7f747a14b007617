import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TrafficControl

/// Watches the kernel's traffic control notifications and has the daemon reconcile as soon
/// as someone else changes tierd's devices (a `tc class del`, a rate changed by hand), instead
/// of leaving the drift in place until the next `reconcile_interval`.
///
/// The netlink socket is read on a dedicated thread: a blocking read on the cooperative pool
/// would take one of its few threads (two here) away from everything else. The thread
/// batches a burst of foreign changes for `settle` (debounce), then hands it over.
struct DriftMonitorService: Service {
    let daemon: Daemon
    let namespace: String?
    let logger: Logger
    var settle: Duration = .milliseconds(150)

    /// Set when the service stops; the thread checks it at least every `pollInterval`.
    private final class StopFlag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
        func set() { value.store(true, ordering: .releasing) }
    }

    private static let pollInterval: Duration = .milliseconds(250)

    func run() async throws {
        let monitor: TCEventMonitor
        do {
            monitor = try TCEventMonitor(namespace: namespace, ignoringPorts: await daemon.enforcerNetlinkPorts())
        } catch {
            // Not fatal: the periodic reconcile still repairs drift, only later.
            logger.error("drift monitor unavailable; relying on the periodic reconcile", metadata: ["error": "\(error)"])
            return
        }
        let (batches, continuation) = AsyncStream<[TCEvent]>.makeStream()
        let stop = StopFlag()
        let settle = settle
        let logger = logger
        let thread = Thread {
            while !stop.isSet {
                do {
                    let events = try monitor.waitForForeignChange(timeout: Self.pollInterval, settle: settle)
                    if !events.isEmpty { continuation.yield(events) }
                } catch {
                    logger.error("drift monitor read failed", metadata: ["error": "\(error)"])
                    Thread.sleep(forTimeInterval: 1)
                }
            }
            continuation.finish()
        }
        thread.name = "tierd-drift-monitor"
        thread.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            for await events in batches {
                await daemon.kernelChanged(events)
            }
        } onCancelOrGracefulShutdown: {
            stop.set()
        }
    }
}
