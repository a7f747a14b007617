import Foundation

/// A throw-away network namespace holding a veth pair: the device the shaper programs
/// (`dev0`) and its peer. Unique name per run; always deleted by `destroy()`.
final class BenchNamespace {
    let name: String
    let device = "dev0"
    let ifb = "ifb-bench"

    init() throws {
        name = "tierdbench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Shell.run(["ip", "netns", "add", name])
        do {
            try Shell.inNamespace(name, ["ip", "link", "add", device, "type", "veth", "peer", "name", "peer0"])
            try Shell.inNamespace(name, ["ip", "link", "set", device, "up"])
            try Shell.inNamespace(name, ["ip", "link", "set", "peer0", "up"])
        } catch {
            destroy()
            throw error
        }
    }

    /// Removes every qdisc and the IFB so the next measurement starts cold.
    func reset() throws {
        try Shell.inNamespace(name, ["tc", "qdisc", "del", "dev", device, "root"], allowFailure: true)
        try Shell.inNamespace(name, ["tc", "qdisc", "del", "dev", device, "ingress"], allowFailure: true)
        try Shell.inNamespace(name, ["ip", "link", "del", ifb], allowFailure: true)
    }

    func destroy() {
        _ = try? Shell.run(["ip", "netns", "del", name], allowFailure: true)
    }
}
