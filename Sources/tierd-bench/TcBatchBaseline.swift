import Foundation

/// The alternative an operator would use: the same users written as a `tc -batch` script.
/// "Flat" is the usual hand-written layout (one HTB with a class per user, filters in one
/// list per direction); its cost is the kernel's O(N²) class walk.
enum TcBatchBaseline {
    /// Commands for the flat layout, both directions, with the same class settings and leaf
    /// qdisc kind as tierd so only the layout differs.
    static func flatScript(users: [BenchUser], device: String, ifb: String, leafKind: String) -> String {
        var lines: [String] = []
        lines.reserveCapacity(users.count * 8 + 8)
        lines.append("qdisc add dev \(device) root handle 1: htb default 0")
        lines.append("qdisc add dev \(device) handle ffff: ingress")
        lines.append("filter add dev \(device) parent ffff: protocol ip prio 1 u32 match u32 0 0 action mirred egress redirect dev \(ifb)")
        lines.append("filter add dev \(device) parent ffff: protocol ipv6 prio 2 u32 match u32 0 0 action mirred egress redirect dev \(ifb)")
        lines.append("qdisc add dev \(ifb) root handle 1: htb default 0")
        var minor: UInt32 = 0
        for user in users where user.download != nil || user.upload != nil {
            minor += 1
            let classID = tcHandle(1, minor)
            let leaf = tcHandle(minor + 1)
            for (dev, rate, key) in [(device, user.download, "dst"), (ifb, user.upload, "src")] {
                guard let rate else { continue }
                lines.append("class add dev \(dev) parent 1: classid \(classID) \(HTBParameters(rate: rate).arguments)")
                lines.append("qdisc add dev \(dev) parent \(classID) handle \(leaf) \(LeafQdisc.arguments(kind: leafKind))")
                lines.append("filter add dev \(dev) parent 1: protocol ip prio 1 u32 match ip \(key) \(user.ipv4)/32 flowid \(classID)")
                if let v6 = user.ipv6 {
                    lines.append("filter add dev \(dev) parent 1: protocol ipv6 prio 2 u32 match ip6 \(key) \(v6)/128 flowid \(classID)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs a script with `tc -batch` in the namespace (whose IFB must exist) and returns the
    /// wall time of the `tc` process alone (including its start, a few milliseconds).
    static func run(script: String, in namespace: BenchNamespace) throws -> Double {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tierd-bench-\(getpid())-\(namespace.name).tc").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let started = ContinuousClock.now
        try Shell.run(["tc", "-n", namespace.name, "-batch", path])
        return started.duration(to: .now).seconds
    }
}
