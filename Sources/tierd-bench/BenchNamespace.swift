import Foundation

/// A throw-away network namespace holding a veth pair: the device the shaper programs
/// (`dev0`) and its peer. Unique name per run; always deleted by `destroy()`.
///
/// Each measurement gets a fresh one, so every run is cold and none sees another's objects.
final class BenchNamespace {
    let name: String
    let device = "dev0"
    let ifb = "ifb-bench"
    private var destroyed = false

    init() throws {
        name = "tierdbench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Shell.run(["ip", "netns", "add", name])
        NamespaceRegistry.add(name)
        do {
            try Shell.inNamespace(name, ["ip", "link", "add", device, "type", "veth", "peer", "name", "peer0"])
            try Shell.inNamespace(name, ["ip", "link", "set", device, "up"])
            try Shell.inNamespace(name, ["ip", "link", "set", "peer0", "up"])
        } catch {
            destroy()
            throw error
        }
    }

    /// Creates the IFB and brings it up (tierd's `prepare()` does this itself; `tc` cannot).
    func addIFB() throws {
        try Shell.inNamespace(name, ["ip", "link", "add", ifb, "type", "ifb"])
        try Shell.inNamespace(name, ["ip", "link", "set", ifb, "up"])
    }

    /// Deletes the qdiscs and the IFB explicitly before the namespace: namespace cleanup is
    /// asynchronous in the kernel, and classes still being torn down in the background would
    /// slow the next measurement's class creation.
    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        _ = try? Shell.run(["tc", "-n", name, "qdisc", "del", "dev", device, "root"], allowFailure: true)
        _ = try? Shell.run(["tc", "-n", name, "qdisc", "del", "dev", device, "ingress"], allowFailure: true)
        _ = try? Shell.run(["tc", "-n", name, "qdisc", "del", "dev", ifb, "root"], allowFailure: true)
        _ = try? Shell.inNamespace(name, ["ip", "link", "del", ifb], allowFailure: true)
        _ = try? Shell.run(["ip", "netns", "del", name], allowFailure: true)
        NamespaceRegistry.remove(name)
    }

    deinit { destroy() }

    /// Runs `body` with a fresh namespace and always deletes it afterwards.
    static func with<T>(_ body: (BenchNamespace) throws -> T) throws -> T {
        let namespace = try BenchNamespace()
        defer { namespace.destroy() }
        return try body(namespace)
    }
}
