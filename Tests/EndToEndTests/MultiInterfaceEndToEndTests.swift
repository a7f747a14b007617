import Foundation
import Testing
import TestSupport

/// A gateway with two access sides: one tierd shapes users behind two subscriber-facing
/// interfaces, each with its own IFB, and keeps every guarantee on both (shaping in both
/// directions, adoption on restart, drift repair, a user moved by a reload).
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct MultiInterfaceEndToEndTests {
    /// The test network's veth pair (side 1) plus a second pair between the same namespaces
    /// (side 2: 10.79.0.1 on the server, 10.79.0.2 and bob's 10.79.1.10 on the client).
    struct TwoSides {
        let net: TestNetwork
        var first: String { net.serverInterface }
        var second: String { net.serverInterface + "2" }
        let firstIFB = "ifb-tierdt"
        let secondIFB = "ifb-tierdt2"
        let secondServerIPv4 = "10.79.0.1"
        let bobIPv4 = "10.79.1.10"
        var aliceIPv4: String { net.userIPv4(0) }

        init() throws {
            net = try TestNetwork.make(users: 1)
            do {
                let client = net.clientInterface + "2"
                try CommandRunner.run(["ip", "-n", net.serverNS, "link", "add", second, "type", "veth", "peer", "name", client, "netns", net.clientNS])
                try net.run(net.serverNS, ["ip", "addr", "add", "\(secondServerIPv4)/16", "dev", second])
                try net.run(net.clientNS, ["ip", "addr", "add", "10.79.0.2/16", "dev", client])
                try net.run(net.clientNS, ["ip", "addr", "add", "\(bobIPv4)/16", "dev", client])
                try net.run(net.serverNS, ["ip", "link", "set", second, "up"])
                try net.run(net.clientNS, ["ip", "link", "set", client, "up"])
            } catch {
                net.destroy()
                throw error
            }
        }

        func tc(_ arguments: [String]) throws -> String { try net.run(net.serverNS, ["tc"] + arguments) }

        /// Rates (tc's text) of the classes on `device` that hold a leaf: users' and ready ones.
        func rates(_ device: String) throws -> [String] {
            try tc(["class", "show", "dev", device]).split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ").map(String.init)
                guard words.count > 2, !words[2].hasPrefix("7164:") else { return nil }
                return words.firstIndex(of: "rate").map { words[$0 + 1] }
            }
        }

        func handle(rate: String, on device: String) throws -> String? {
            try tc(["class", "show", "dev", device]).split(separator: "\n")
                .first { $0.contains(" rate \(rate) ") }.map { String($0.split(separator: " ")[2]) }
        }

        /// What `iperf3 -J` measured at the receiver, in bit/s, from `source` to `server`
        /// (`download`: the server sends, through the interface's egress).
        func throughput(from source: String, to server: String, download: Bool) throws -> Double {
            var arguments = ["iperf3", "-c", server, "-B", source, "-t", "3", "-O", "1", "-J", "-w", "32K"]
            if download { arguments.append("-R") }
            let json = try JSONSerialization.jsonObject(with: Data(net.run(net.clientNS, arguments).utf8)) as? [String: Any]
            let end = json?["end"] as? [String: Any]
            return (end?["sum_received"] as? [String: Any])?["bits_per_second"] as? Double ?? 0
        }
    }

    /// DaemonSetup's config in `directory` with `[[network.interface]]` for both sides, and a
    /// users file placing alice (and dave) on the first and bob on the second.
    private func setUp(_ sides: TwoSides, in directory: TemporaryDirectory) throws -> DaemonSetup {
        let setup = try DaemonSetup(directory: directory.path, interface: sides.first)
        let config = try String(contentsOfFile: setup.configPath, encoding: .utf8)
        let single = "interface = \"\(sides.first)\"\nifb = \"ifb-tierdt\"\n"
        precondition(config.contains(single))
        try config.replacingOccurrences(of: single, with: "")
            .replacingOccurrences(of: "floor = \"256kbit\"\n", with: """
                floor = "256kbit"

                [[network.interface]]
                name = "\(sides.first)"
                ifb = "\(sides.firstIFB)"

                [[network.interface]]
                name = "\(sides.second)"
                ifb = "\(sides.secondIFB)"

                """)
            .write(toFile: setup.configPath, atomically: true, encoding: .utf8)
        try writeUsers(sides, setup, daveOn: sides.first)
        return setup
    }

    private func writeUsers(_ sides: TwoSides, _ setup: DaemonSetup, daveOn interface: String) throws {
        try """
            id,addresses,unix_user,interface
            alice,\(sides.aliceIPv4),,
            bob,\(sides.bobIPv4),,\(sides.second)
            dave,10.98.0.13,,\(interface)

            """.write(toFile: setup.directory + "/users.csv", atomically: true, encoding: .utf8)
    }

    @Test func bothSidesAreShapedAdoptedRepairedAndAUserMoves() throws {
        let sides = try TwoSides()
        defer { sides.net.destroy() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let setup = try setUp(sides, in: dir)
        #expect(try runProcess(BuiltProducts.tierd, ["--config", setup.configPath, "--check"]).output
            .contains("interfaces \(sides.first) (upload via \(sides.firstIFB), 2 users), \(sides.second) (upload via \(sides.secondIFB), 1 users)"))
        var daemon: DaemonProcess? = try DaemonProcess(configPath: setup.configPath, namespace: sides.net.serverNS, logPath: dir.path + "/tierd.log")
        defer { daemon?.stop() }
        let ctl = ["--socket", setup.controlSocket]
        #expect(try eventually { try tierctl(ctl + ["health"]).status == 0 }, "daemon never became healthy: \(daemon!.log)")

        // Every device is claimed, each side is shaped with its own users, in both directions.
        let claims = try sides.net.run(sides.net.serverNS, ["ss", "-xl"])
        for device in [sides.first, sides.firstIFB, sides.second, sides.secondIFB] {
            #expect(claims.contains("/\(device) "), "claim of \(device): \(claims)")
        }
        try setup.appendFeed(#"{"user":"alice","score":100}"# + "\n" + #"{"user":"bob","score":100}"# + "\n" + #"{"user":"dave","score":600}"# + "\n")
        #expect(try eventually {
            try Set(sides.rates(sides.first)).isSuperset(of: ["2Mbit", "20Mbit"]) && sides.rates(sides.firstIFB).contains("1Mbit")
                && sides.rates(sides.second).contains("2Mbit") && sides.rates(sides.secondIFB).contains("1Mbit")
        }, "classes: \((try? sides.tc(["class", "show"])) ?? "")\n\(daemon!.log)")
        #expect(try !sides.rates(sides.second).contains("20Mbit") && !sides.rates(sides.secondIFB).contains("5Mbit"), "dave is not on the second side")
        let kernel = KernelObservation(net: sides.net)
        let bobClass = try #require(try sides.handle(rate: "2Mbit", on: sides.second))
        #expect(try kernel.hasFilter(to: bobClass, interface: sides.second), "bob's address is bound on the second side's classifier")
        let status = try tierctl(ctl + ["status", "bob", "--json"]).output
        #expect(status.contains(#""interface":"\#(sides.second)""#), "\(status)")
        #expect(try tierctl(ctl + ["explain", "bob"]).output.contains("interface:    \(sides.second)\n"))

        // Traffic of one user per side, each way: shaped by its own side's classes.
        let server = try sides.net.start(sides.net.serverNS, ["iperf3", "-s"])
        defer { server.stop() }
        #expect(try eventually { try sides.net.run(sides.net.serverNS, ["ss", "-ltn"]).contains(":5201") })
        for (user, source, target) in [("alice", sides.aliceIPv4, sides.net.serverIPv4), ("bob", sides.bobIPv4, sides.secondServerIPv4)] {
            let down = try sides.throughput(from: source, to: target, download: true)
            #expect(down > 0.8 * 2_000_000 && down <= 2_050_000, "\(user) download \(down)")
            let up = try sides.throughput(from: source, to: target, download: false)
            #expect(up > 0.8 * 1_000_000 && up <= 1_030_000, "\(user) upload \(up)")
        }

        // A restart with the same config adopts both sides: nothing created or deleted on either.
        let before = try [sides.first, sides.firstIFB, sides.second, sides.secondIFB].map { try sides.tc(["class", "show", "dev", $0]) }
        let monitor = try sides.net.start(sides.net.serverNS, ["tc", "monitor"])
        defer { monitor.stop() }
        usleep(200_000)
        #expect(daemon!.stop() == 0)
        daemon = try DaemonProcess(configPath: setup.configPath, namespace: sides.net.serverNS, logPath: dir.path + "/tierd2.log")
        #expect(try eventually { try tierctl(ctl + ["health"]).status == 0 }, "restarted daemon never became healthy: \(daemon!.log)")
        usleep(300_000)
        // A marker: what the monitor printed before it is the restart's doing.
        _ = try sides.tc(["qdisc", "add", "dev", "lo", "root", "handle", "4d:", "pfifo"])

        // Drift on the second side: bob's class deleted by hand comes back at once.
        _ = try sides.tc(["class", "del", "dev", sides.second, "classid", bobClass])
        #expect(try eventually(timeout: 1.5) {
            try sides.handle(rate: "2Mbit", on: sides.second).map { try kernel.hasFilter(to: $0, interface: sides.second) } ?? false
        }, "not repaired: \((try? sides.tc(["class", "show", "dev", sides.second])) ?? "")\n\(daemon!.log)")
        #expect(daemon!.log.contains("kernel drift repaired"), "log: \(daemon!.log)")
        usleep(200_000)
        monitor.stop()
        let parts = monitor.waitForOutput().components(separatedBy: "qdisc pfifo 4d: dev lo")
        #expect(parts.count == 2, "marker not seen")
        let restart = parts[0].split(separator: "\n").filter {
            ($0.contains("class") || $0.contains("filter") || $0.contains("qdisc")) && !$0.contains(" dev lo ")
        }
        #expect(restart == [], "kernel objects touched by the restart")
        #expect(parts.count == 2 && parts[1].contains("class htb"), "the monitor recorded the repair")
        // Adopted as they were (the first side untouched by the repair too).
        #expect(try [sides.first, sides.firstIFB].map { try sides.tc(["class", "show", "dev", $0]) } == Array(before[0...1]))

        // A reload moves dave to the second side: his classes leave the first one's trees.
        try writeUsers(sides, setup, daveOn: sides.second)
        #expect(try tierctl(ctl + ["reload"]).status == 0, "log: \(daemon!.log)")
        #expect(try eventually {
            try sides.rates(sides.second).contains("20Mbit") && sides.rates(sides.secondIFB).contains("5Mbit")
                && !sides.rates(sides.first).contains("20Mbit") && !sides.rates(sides.firstIFB).contains("5Mbit")
        }, "dave not moved: \((try? sides.tc(["class", "show"])) ?? "")\n\(daemon!.log)")
        #expect(try kernel.hasFilter(to: #require(try sides.handle(rate: "20Mbit", on: sides.second)), interface: sides.second))
        #expect(try tierctl(ctl + ["status", "dave", "--json"]).output.contains(#""interface":"\#(sides.second)""#))
        #expect(try eventually { try tierctl(ctl + ["health"]).status == 0 })
    }

    @Test func losingTheSecondSideDegradesHealthAndItsReturnIsRebuilt() throws {
        let sides = try TwoSides()
        defer { sides.net.destroy() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let setup = try setUp(sides, in: dir)
        let daemon = try DaemonProcess(configPath: setup.configPath, namespace: sides.net.serverNS, logPath: dir.path + "/tierd.log")
        defer { daemon.stop() }
        let ctl = ["--socket", setup.controlSocket]
        #expect(try eventually { try tierctl(ctl + ["health"]).status == 0 }, "daemon never became healthy: \(daemon.log)")
        try setup.appendFeed(#"{"user":"alice","score":100}"# + "\n" + #"{"user":"bob","score":100}"# + "\n")
        #expect(try eventually { try sides.rates(sides.second).contains("2Mbit") && sides.rates(sides.first).contains("2Mbit") }, "log: \(daemon.log)")

        try sides.net.run(sides.net.serverNS, ["ip", "link", "del", sides.second])
        #expect(try eventually(timeout: 2) { try KernelObservation.health(ctl).status == "degraded" }, "log: \(daemon.log)")
        let errors = try KernelObservation.health(ctl).errors.joined(separator: " ")
        #expect(errors.contains(sides.second), "the error names the lost interface: \(errors)")
        #expect(try sides.rates(sides.first).contains("2Mbit"), "the first side keeps its shaping")
        // Health and the metrics say which side is behind.
        let health = try JSONSerialization.jsonObject(with: Data(tierctl(ctl + ["health", "--json"]).output.utf8)) as? [String: Any]
        let interfaces = ((health?["health"] as? [String: Any])?["interfaces"] as? [[String: Any]]) ?? []
        #expect(interfaces.map { $0["name"] as? String } == [sides.first, sides.second])
        #expect(interfaces.map { $0["kernel_in_sync"] as? Bool } == [true, false], "\(interfaces)")
        #expect(interfaces.map { $0["users"] as? Int } == [2, 1])
        let metrics = try tierctl(ctl + ["metrics"]).output
        #expect(metrics.contains("tierd_interface_kernel_in_sync{interface=\"\(sides.second)\"} 0"), "\(metrics)")
        #expect(metrics.contains("tierd_interface_kernel_in_sync{interface=\"\(sides.first)\"} 1"))

        try sides.net.run(sides.net.serverNS, ["ip", "link", "add", sides.second, "type", "veth", "peer", "name", sides.second + "r"])
        try sides.net.run(sides.net.serverNS, ["ip", "link", "set", sides.second, "up"])
        #expect(try eventually(timeout: 5) { try tierctl(ctl + ["health"]).status == 0 && sides.rates(sides.second).contains("2Mbit") },
                "not rebuilt on the returned interface: \(daemon.log)")
    }
}
