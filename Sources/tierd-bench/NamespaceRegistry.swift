import Foundation
import Synchronization

/// Every namespace the benchmark has created and not yet deleted, so Ctrl-C or SIGTERM can
/// remove them: a leaked namespace with thousands of HTB classes would slow every later
/// class creation on the machine (the kernel cost grows with classes anywhere).
enum NamespaceRegistry {
    private static let live = Mutex<Set<String>>([])

    static func add(_ name: String) { live.withLock { _ = $0.insert(name) } }
    static func remove(_ name: String) { live.withLock { _ = $0.remove(name) } }

    /// Installs SIGINT/SIGTERM handlers that delete the live namespaces and the benchmark's
    /// temporary files (`TemporaryPaths`), and exit.
    /// The handlers run on a dispatch queue, not in signal context, so exec'ing `ip` is safe.
    static func installSignalCleanup() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let names = live.withLock { $0 }
                for name in names {
                    _ = try? Shell.run(["ip", "netns", "del", name], allowFailure: true)
                }
                TemporaryPaths.removeAll()
                FileHandle.standardError.write(Data("tierd-bench: interrupted, deleted \(names.count) namespace(s)\n".utf8))
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Keeps the signal sources alive for the life of the process. Written only by
    /// `installSignalCleanup()`, once, on the main thread before any other work.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
}
