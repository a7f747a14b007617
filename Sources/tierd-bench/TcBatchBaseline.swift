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

    /// How one `tc -batch` run ended.
    struct Outcome {
        /// Wall time of the `tc` process alone (including its start, a few milliseconds).
        var seconds: Double
        /// True when `tc` was stopped at the time limit: `seconds` is then a lower bound.
        var timedOut: Bool
    }

    /// Runs a script with `tc -batch` in the namespace (whose IFB must exist). A flat tree
    /// grows quadratically (30k users: many minutes), so a run past `timeout` seconds is
    /// stopped and reported as a lower bound instead of stalling the whole benchmark.
    static func run(script: String, in namespace: BenchNamespace, timeout: Double = .infinity) throws -> Outcome {
        let scriptPath = TemporaryPaths.make(namespace.name + ".tc"), outputPath = TemporaryPaths.make(namespace.name + ".out")
        defer {
            TemporaryPaths.remove(scriptPath)
            TemporaryPaths.remove(outputPath)
        }
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        guard FileManager.default.createFile(atPath: outputPath, contents: nil) else {
            throw BenchFailure("cannot create \(outputPath)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tc", "-n", namespace.name, "-batch", scriptPath]
        // A file, not a pipe: nobody reads while polling, and a full pipe would stall tc.
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        let started = ContinuousClock.now
        try process.run()
        NamespaceRegistry.addChild(process.processIdentifier)
        defer { NamespaceRegistry.removeChild(process.processIdentifier) }
        var timedOut = false
        while process.isRunning {
            if started.duration(to: .now).seconds > timeout {
                process.terminate()
                timedOut = true
                break
            }
            usleep(500)
        }
        process.waitUntilExit()
        let seconds = timedOut ? timeout : started.duration(to: .now).seconds
        if !timedOut && process.terminationStatus != 0 {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw Shell.Failure(command: process.arguments ?? [], status: process.terminationStatus, output: text)
        }
        return Outcome(seconds: seconds, timedOut: timedOut)
    }
}
