#if canImport(Glibc)
import Glibc
#endif

/// Runs a closure on a short-lived thread inside a named network namespace
/// (`/var/run/netns/NAME`), for sockets that must belong to that namespace.
///
/// setns() moves only the calling thread, and a socket stays in the namespace it was created
/// in; so the rest of the process never leaves its own namespace (the shaper's
/// `NamespaceOpener` does the same for its netlink sockets).
enum NetworkNamespaceThread {
    /// Handed to the thread through an opaque pointer; the caller joins before reading it.
    private final class Job: @unchecked Sendable {
        let path: String
        let body: () -> Void
        var failure: OwnershipError?

        init(path: String, body: @escaping () -> Void) {
            self.path = path
            self.body = body
        }

        func run() {
            let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
            let target = open(path, O_RDONLY | O_CLOEXEC)
            defer {
                if original >= 0 { close(original) }
                if target >= 0 { close(target) }
            }
            guard original >= 0, target >= 0 else {
                failure = .system(call: "open", path: path, errno: errno)
                return
            }
            guard let setns = Self.setns() else {
                failure = .system(call: "dlsym setns", path: path, errno: ENOSYS)
                return
            }
            guard setns(target, Self.cloneNewNet) == 0 else {
                failure = .system(call: "setns", path: path, errno: errno)
                return
            }
            body()
            // The thread ends right after; switching back keeps the invariant explicit anyway.
            _ = setns(original, Self.cloneNewNet)
        }

        static let cloneNewNet: Int32 = 0x4000_0000

        /// setns(2). Glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does
        /// not set: look the symbol up rather than reach into the netlink shim for one call.
        static func setns() -> (@convention(c) (Int32, Int32) -> Int32)? {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        }
    }

    /// The file that names the namespace (`ip netns` keeps it under /var/run/netns).
    static func path(of namespace: String) -> String { "/var/run/netns/\(namespace)" }

    static func run<Value>(in namespace: String, _ body: @escaping () -> Value) throws(OwnershipError) -> Value {
        var value: Value?
        let job = Job(path: path(of: namespace)) { value = body() }
        let retained = Unmanaged.passRetained(job)
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Job>.fromOpaque(argument).takeUnretainedValue().run()
            return nil
        }, retained.toOpaque())
        guard rc == 0 else {
            retained.release()
            throw .system(call: "pthread_create", path: namespace, errno: rc)
        }
        pthread_join(thread, nil)
        retained.release()
        if let failure = job.failure { throw failure }
        guard let value else { throw .system(call: "setns", path: namespace, errno: EINVAL) }
        return value
    }
}
