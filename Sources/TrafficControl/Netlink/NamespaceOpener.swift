import CNetlink
import Glibc

/// Runs a socket-creating closure inside a named network namespace.
///
/// A socket belongs to the namespace it was created in, and setns() only moves the calling
/// thread; so a short-lived thread enters `/var/run/netns/NAME`, creates the socket, switches
/// back and exits, leaving every other thread of the process untouched.
enum NamespaceOpener {
    private final class Job: @unchecked Sendable {
        let namespace: String
        let body: () throws -> OpaquePointer
        var result: Result<OpaquePointer, TrafficControlError> = .failure(
            TrafficControlError(operation: "open namespace", object: "", reason: "not run"))

        init(namespace: String, body: @escaping () throws -> OpaquePointer) {
            self.namespace = namespace
            self.body = body
        }

        func run() {
            let path = "/var/run/netns/\(namespace)"
            let original = Glibc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
            let target = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            defer {
                if original >= 0 { close(original) }
                if target >= 0 { close(target) }
            }
            guard original >= 0, target >= 0 else {
                result = .failure(TrafficControlError(operation: "open namespace", object: path,
                                                      reason: String(cString: strerror(Glibc.errno)), errno: Glibc.errno))
                return
            }
            guard tierd_setns_net(target) == 0 else {
                result = .failure(TrafficControlError(operation: "enter namespace", object: path,
                                                      reason: String(cString: strerror(Glibc.errno)), errno: Glibc.errno))
                return
            }
            do {
                result = .success(try body())
            } catch let error as TrafficControlError {
                result = .failure(error)
            } catch {
                result = .failure(TrafficControlError(operation: "open socket", object: path, reason: "\(error)"))
            }
            // The thread ends right after; switching back keeps the invariant explicit anyway.
            _ = tierd_setns_net(original)
        }
    }

    static func open(namespace: String, _ body: @escaping () throws -> OpaquePointer) throws -> OpaquePointer {
        guard !namespace.isEmpty, !namespace.contains("/"), namespace != ".", namespace != ".." else {
            throw TrafficControlError(operation: "open namespace", object: namespace, reason: "invalid namespace name")
        }
        let job = Job(namespace: namespace, body: body)
        let retained = Unmanaged.passRetained(job)
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Job>.fromOpaque(argument).takeUnretainedValue().run()
            return nil
        }, retained.toOpaque())
        guard rc == 0 else {
            retained.release()
            throw TrafficControlError(operation: "start thread", object: namespace, reason: String(cString: strerror(rc)), errno: rc)
        }
        pthread_join(thread, nil)
        retained.release()
        return try job.result.get()
    }
}
