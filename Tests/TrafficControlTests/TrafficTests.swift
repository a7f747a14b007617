import Foundation
import Testing
import TestSupport
@testable import TrafficControl

/// Real TCP traffic across the veth: the server namespace holds the shaped interface, so
/// download = server -> client (iperf3 -R), upload = client -> server (through the IFB).
extension KernelTests {
    @Suite("Real traffic")
    struct TrafficTests {
        /// Client-side iperf3 run from `source` (a user's address) to the server; returns parsed JSON.
        func iperf(_ network: TestNetwork, from source: String, reverse: Bool, seconds: Int = 4, extra: [String] = []) throws -> IperfResult {
            let server = source.contains(":") ? network.serverIPv6 : network.serverIPv4
            var arguments = ["iperf3", "-c", server, "-B", source, "-t", String(seconds), "-O", "1", "-J", "-w", "32K"]
            if reverse { arguments.append("-R") }
            return try IperfResult(json: network.run(network.clientNS, arguments + extra))
        }

        func startServer(_ network: TestNetwork) throws -> BackgroundProcess {
            let server = try network.start(network.serverNS, ["iperf3", "-s"])
            for _ in 0..<50 {
                if (try? network.run(network.serverNS, ["ss", "-ltn"]))?.contains(":5201") == true { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return server
        }

        @Test("/56 and /48 delegations and hosts spilled out of a full bucket classify into their users' classes")
        func delegationsAndSpilledHostsClassify() throws {
            let fixture = try KernelFixture()
            let network = fixture.network
            // 140 subscribers whose host is <their /64>::1 (all alike in the last byte, which
            // filled one u32 bucket in the earlier layout), plus a /56 and a /48 (trie entries).
            var users = (0..<140).map { i in
                ShapedUser(id: "h\(i)", addresses: [IPPrefix("fd78:0:0:\(String(i, radix: 16))::1")!], download: 3_000_000, upload: 2_000_000)
            }
            users.append(ShapedUser(id: "d56", addresses: [IPPrefix("fd79:0:0:2a00::/56")!], download: 3_000_000, upload: 2_000_000))
            users.append(ShapedUser(id: "d48", addresses: [IPPrefix("fd7a:0:2b::/48")!], download: 3_000_000, upload: 2_000_000))
            #expect(try fixture.shaper.converge(to: users).errors == [])
            #expect(try fixture.shaper.readState().download.entries.count == users.count)

            // The client owns one address of each: the last spilled host and one inside each prefix.
            let sources = ["h139": "fd78:0:0:8b::1", "d56": "fd79:0:0:2a17::5", "d48": "fd7a:0:2b:ff::9"]
            for (_, address) in sources {
                try network.run(network.clientNS, ["ip", "addr", "add", "\(address)/128", "dev", network.clientInterface, "nodad"])
            }
            for prefix in ["fd78::/16", "fd79::/16", "fd7a::/16"] {
                try network.run(network.serverNS, ["ip", "-6", "route", "add", prefix, "dev", network.serverInterface])
            }
            let server = try startServer(network)
            defer { server.stop() }
            for (user, address) in sources.sorted(by: { $0.key < $1.key }) {
                // 64 KB each way: data one way, ACKs the other, all of it in the user's classes.
                _ = try network.run(network.clientNS, ["iperf3", "-c", network.serverIPv6, "-B", address, "-n", "64K", "-J"])
                _ = try network.run(network.clientNS, ["iperf3", "-c", network.serverIPv6, "-B", address, "-n", "64K", "-R", "-J"])
                let counters = try #require(try fixture.shaper.counters()[user])
                #expect((counters.download?.bytes ?? 0) >= 64_000, "\(user): traffic to \(address) in its download class: \(counters)")
                #expect((counters.upload?.bytes ?? 0) >= 64_000, "\(user): traffic from \(address) in its upload class: \(counters)")
            }
        }

        @Test("a 5/2 Mbit/s user gets 90-100% of each over IPv4 and IPv6; an unthrottled address is not capped")
        func shapedAndUnshaped() throws {
            let fixture = try KernelFixture(users: 2)
            let network = fixture.network
            let shapedAddress = network.userIPv4(0)
            let user = ShapedUser(id: "alice", addresses: [IPPrefix(shapedAddress)!, IPPrefix(network.userIPv6(0))!],
                                  download: 5_000_000, upload: 2_000_000)
            #expect(try fixture.shaper.converge(to: [user]).errors == [])
            let server = try startServer(network)
            defer { server.stop() }

            let download = try iperf(network, from: shapedAddress, reverse: true)
            #expect(download.receivedBitsPerSecond >= 0.90 * 5_000_000 && download.receivedBitsPerSecond <= 5_000_000,
                    "download \(download.receivedBitsPerSecond)")
            let upload = try iperf(network, from: shapedAddress, reverse: false)
            #expect(upload.receivedBitsPerSecond >= 0.90 * 2_000_000 && upload.receivedBitsPerSecond <= 2_000_000,
                    "upload \(upload.receivedBitsPerSecond)")

            let free = network.userIPv4(1)
            let freeDownload = try iperf(network, from: free, reverse: true, seconds: 2)
            let freeUpload = try iperf(network, from: free, reverse: false, seconds: 2)
            #expect(freeDownload.receivedBitsPerSecond > 100_000_000, "unthrottled download \(freeDownload.receivedBitsPerSecond)")
            #expect(freeUpload.receivedBitsPerSecond > 100_000_000, "unthrottled upload \(freeUpload.receivedBitsPerSecond)")

            // IPv6 goes through the same class (offsets of the IPv6 header, last-byte hash).
            let download6 = try iperf(network, from: network.userIPv6(0), reverse: true)
            #expect(download6.receivedBitsPerSecond >= 0.90 * 5_000_000 && download6.receivedBitsPerSecond <= 5_000_000,
                    "IPv6 download \(download6.receivedBitsPerSecond)")
            let upload6 = try iperf(network, from: network.userIPv6(0), reverse: false)
            #expect(upload6.receivedBitsPerSecond >= 0.90 * 2_000_000 && upload6.receivedBitsPerSecond <= 2_000_000,
                    "IPv6 upload \(upload6.receivedBitsPerSecond)")

            print("goodput (bit/s): download \(Int(download.receivedBitsPerSecond)) upload \(Int(upload.receivedBitsPerSecond)) "
                  + "IPv6 download \(Int(download6.receivedBitsPerSecond)) upload \(Int(upload6.receivedBitsPerSecond)) "
                  + "unthrottled download \(Int(freeDownload.receivedBitsPerSecond)) upload \(Int(freeUpload.receivedBitsPerSecond))")
            let counters = try #require(try fixture.shaper.counters()["alice"])
            #expect((counters.download?.bytes ?? 0) > 1_000_000 && (counters.upload?.bytes ?? 0) > 400_000, "\(counters)")

            // The raw statistics dump reads what `tc -s` reads, for every class on both devices
            // (the traffic has stopped, so the counters hold still between the two reads).
            let reader = try ClassCounterReader([ShaperConfiguration(interface: network.serverInterface, ifb: fixture.ifbName,
                                                                     namespace: network.serverNS, takeover: false)])
            let dumped = try #require(try reader.read().first)
            for (device, ours) in [(network.serverInterface, dumped.download), (fixture.ifbName, dumped.upload)] {
                let shown = try tcClassStatistics(network, device: device)
                #expect(!ours.isEmpty && ours == shown, "\(device): dumped \(ours.count) classes, tc shows \(shown.count)")
            }
        }

        /// Every HTB class's counters as `tc -s class show` prints them, by handle (iproute2 6.1
        /// prints classes as text even with `-j`): "class htb 1:a ..." then
        /// " Sent B bytes P pkt (dropped D, overlimits O requeues R)".
        func tcClassStatistics(_ network: TestNetwork, device: String) throws -> [UInt32: DirectionCounters] {
            var result: [UInt32: DirectionCounters] = [:]
            var handle: UInt32?
            for line in try network.run(network.serverNS, ["tc", "-s", "class", "show", "dev", device]).split(separator: "\n") {
                let words = line.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "(),")) }
                if words.count > 2, words[0] == "class", words[1] == "htb" {
                    let parts = words[2].split(separator: ":").map { UInt32($0, radix: 16) ?? 0 }
                    handle = parts[0] << 16 | (parts.count > 1 ? parts[1] : 0)
                } else if let current = handle, words.first == "Sent", words.count >= 9 {
                    result[current] = DirectionCounters(bytes: UInt64(words[1]) ?? .max, packets: UInt64(words[3]) ?? .max,
                                                        drops: UInt64(words[6]) ?? .max, overlimits: UInt64(words[8]) ?? .max)
                    handle = nil
                }
            }
            return result
        }

        @Test("a tier change holds within 1 s and drops nothing", arguments: [true, false])
        func tierChange(download: Bool) throws {
            let fixture = try KernelFixture(users: 1)
            let network = fixture.network
            let address = network.userIPv4(0)
            // Rates high enough that one 64 KiB GSO packet is a small part of the 2 s byte-count window.
            let (before, after): (UInt64, UInt64) = download ? (20_000_000, 8_000_000) : (8_000_000, 16_000_000)
            var user = ShapedUser(id: "bob", addresses: [IPPrefix(address)!], download: nil, upload: nil)
            let rateKey: WritableKeyPath<ShapedUser, UInt64?> = download ? \.download : \.upload
            user[keyPath: rateKey] = before
            #expect(try fixture.shaper.converge(to: [user]).errors == [])
            let server = try startServer(network)
            defer { server.stop() }

            var arguments = ["iperf3", "-c", network.serverIPv4, "-B", address, "-t", "6", "-J", "-w", "128K"]
            if download { arguments.append("-R") }
            let client = try network.start(network.clientNS, arguments)
            defer { client.stop() }
            let clock = ContinuousClock()
            let direction = { (counters: UserCounters?) in download ? counters?.download : counters?.upload }
            Thread.sleep(forTimeInterval: 2.0)
            let classesBefore = try fixture.shaper.readState()
            let countersBefore = try fixture.shaper.counters()["bob"]
            user[keyPath: rateKey] = after
            let report = try fixture.shaper.converge(to: [user])
            let countersAfter = try fixture.shaper.counters()["bob"]
            let changed = clock.now

            #expect(report.errors == [] && report.classesChanged == 1 && report.classesCreated == 0 && report.classesDeleted == 0, "\(report)")
            #expect(direction(countersBefore) != nil)
            #expect(direction(countersAfter)?.drops == direction(countersBefore)?.drops, "drops around the change")
            // Same class handles before and after: changed in place.
            let classesAfter = try fixture.shaper.readState()
            let handles = { (state: KernelState) in (download ? state.download : state.upload).classes.map(\.handle) }
            #expect(handles(classesBefore) == handles(classesAfter))

            // From 1 s after the change, the class passes the new rate (bytes on the wire,
            // from the kernel's own counters: iperf3's receiver intervals jitter under load).
            Thread.sleep(until: changed + .seconds(1))
            let firstBytes = direction(try fixture.shaper.counters()["bob"])?.bytes ?? 0
            let firstTime = clock.now
            Thread.sleep(forTimeInterval: 2.0)
            let secondBytes = direction(try fixture.shaper.counters()["bob"])?.bytes ?? 0
            let elapsed = clock.now - firstTime
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(secondBytes - firstBytes) * 8 / seconds
            #expect(rate >= 0.90 * Double(after) && rate <= 1.03 * Double(after), "rate after change \(rate) of \(after)")
            print("tier change \(download ? "download" : "upload") \(before) -> \(after): wire rate from 1 s after the change \(Int(rate)) bit/s")
            let countersEnd = try fixture.shaper.counters()["bob"]
            #expect(direction(countersEnd)?.drops == direction(countersBefore)?.drops, "drops after the change")
            let result = try IperfResult(json: client.waitForOutput())
            #expect(result.receivedBitsPerSecond > 0)
        }
    }
}

extension KernelTests.TrafficTests {
    @Test("every kind of prefix classifies real packets in both directions", arguments: [
        "10.77.1.10", "10.77.1.8/30", "10.77.0.0/16", "fd77::1:10", "fd77::/64", "fd77::/48",
    ])
    func prefixClassifies(prefix: String) throws {
        let fixture = try KernelFixture(users: 1)
        let network = fixture.network
        let user = ShapedUser(id: "carol", addresses: [IPPrefix(prefix)!], download: 10_000_000, upload: 10_000_000)
        #expect(try fixture.shaper.converge(to: [user]).errors == [])
        let ipv6 = prefix.contains(":")
        let source = ipv6 ? network.userIPv6(0) : network.userIPv4(0)
        let server = try startServer(network)
        defer { server.stop() }
        // A short TCP transfer: data through the upload class, ACKs back through the download class.
        try network.run(network.clientNS, ["iperf3", "-c", ipv6 ? network.serverIPv6 : network.serverIPv4,
                                           "-B", source, "-n", "100K", "-J"])
        let counters = try #require(try fixture.shaper.counters()["carol"])
        #expect((counters.upload?.bytes ?? 0) >= 50_000, "data through the upload class: \(counters)")
        #expect((counters.download?.packets ?? 0) >= 3, "ACKs through the download class: \(counters)")
    }
}
