import Foundation
import Synchronization

/// Files and directories the benchmark creates outside its namespaces (`tc` scripts, the
/// classifier object, `bpftool` batch files, bpffs mount points), so that they are removed on
/// every path: by the `defer` of the code that made them, and by Ctrl-C/SIGTERM (see
/// `NamespaceRegistry.installSignalCleanup`), which exits without running any `defer`.
enum TemporaryPaths {
    private static let live = Mutex<Set<String>>([])

    /// A fresh path in the temporary directory, registered for removal: `tierd-bench-PID-TAG`.
    static func make(_ tag: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tierd-bench-\(getpid())-\(tag)").path
        live.withLock { _ = $0.insert(path) }
        return path
    }

    /// Removes `path` (file or directory tree) and forgets it.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        live.withLock { _ = $0.remove(path) }
    }

    /// Removes everything still registered (the signal handler's part).
    static func removeAll() {
        for path in live.withLock({ $0 }) { remove(path) }
    }
}
