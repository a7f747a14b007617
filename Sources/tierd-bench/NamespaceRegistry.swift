import Foundation
import Synchronization

/// Every namespace, child process and temporary path the benchmark has created and not yet
/// released, so Ctrl-C or SIGTERM can remove them: a leaked namespace with thousands of HTB
/// classes would slow every later class creation on the machine (the kernel cost grows with
/// classes anywhere), and a `tc -batch` or `tierd` child left running keeps building one.
enum NamespaceRegistry {
    private struct Live {
        var namespaces: Set<String> = []
        var children: Set<Int32> = []
        var paths: Set<String> = []
    }

    private static let live = Mutex(Live())

    static func add(_ name: String) { live.withLock { _ = $0.namespaces.insert(name) } }
    static func remove(_ name: String) { live.withLock { _ = $0.namespaces.remove(name) } }

    /// A child (`tc -batch`, `tierd`) to kill on interruption; remove it once reaped.
    static func addChild(_ pid: Int32) { live.withLock { _ = $0.children.insert(pid) } }
    static func removeChild(_ pid: Int32) { live.withLock { _ = $0.children.remove(pid) } }

    /// A temporary file or directory to delete on interruption; remove it once deleted.
    static func addPath(_ path: String) { live.withLock { _ = $0.paths.insert(path) } }
    static func removePath(_ path: String) { live.withLock { _ = $0.paths.remove(path) } }

    /// Installs SIGINT/SIGTERM handlers that kill the live children, delete the live
    /// namespaces and paths, and exit. The handlers run on a dispatch queue, not in signal
    /// context, so exec'ing `ip` is safe.
    static func installSignalCleanup() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let current = live.withLock { $0 }
                for pid in current.children {
                    kill(pid, SIGKILL)
                    var status: Int32 = 0
                    waitpid(pid, &status, 0)
                }
                for name in current.namespaces {
                    _ = try? Shell.run(["ip", "netns", "del", name], allowFailure: true)
                }
                for path in current.paths {
                    try? FileManager.default.removeItem(atPath: path)
                }
                TemporaryPaths.removeAll()
                FileHandle.standardError.write(Data(
                    "tierd-bench: interrupted, killed \(current.children.count) child(ren), deleted \(current.namespaces.count) namespace(s) and \(current.paths.count) temporary path(s)\n".utf8))
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
