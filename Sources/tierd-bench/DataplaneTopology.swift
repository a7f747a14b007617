import Foundation
import TrafficControl

/// Address family of the data-plane benchmark's frames.
enum DataplaneFamily: String, CaseIterable, Codable, Sendable {
    case ipv4, ipv6
}

/// Which way the measured traffic flows through the shaped device.
enum DataplaneDirection: String, CaseIterable, Codable, Sendable {
    /// isp -> home: the egress of tierd's device (HTB on `dev0`).
    case download
    /// home -> isp: the ingress of tierd's device, redirected to the IFB (HTB on the IFB).
    case upload
}

/// One data-plane test bed: an "isp" namespace holding the subscriber-facing device `dev0`
/// (what tierd shapes, with its IFB) and a "home" namespace holding its veth peer `peer0`.
/// Either unshaped (the kernel default on a veth: no qdisc at all) or with tierd's tree for a
/// set of users, built by the library exactly as the daemon builds it.
///
/// The receiving side is set up so a frame costs as little as possible once it is counted,
/// and the same with or without shaping (see docs/benchmarks.md, "Data plane"):
/// - download frames are addressed to a MAC that is not `peer0`'s, so the home stack drops
///   them first thing in `ip_rcv` (`PACKET_OTHERHOST`); counted as `peer0`'s `rx_packets`;
/// - upload frames go to `dev0`'s MAC and a local address of `dev0` (UDP port 9, nobody
///   listens), so after the IFB they reach `ip_rcv`, are counted there (`Ip InReceives`) and
///   dropped by UDP; the ICMP errors that would follow are switched off (`icmp_msgs_per_sec = 0`)
///   so no reply traffic crosses the download tree.
///
/// Unique namespace names per run, registered for the SIGINT/SIGTERM cleanup; `destroy()`
/// (also on deinit) deletes tierd's tree, the IFB and both namespaces.
final class DataplaneTopology {
    static let deviceMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]
    static let peerMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]
    /// The destination MAC of download frames: no device has it.
    static let elsewhereMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0xfe]
    /// The isp side's own address: the source of download frames, the destination of upload ones.
    static let ispIPv4: [UInt8] = [192, 0, 2, 1]
    static let ispIPv6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]

    let isp: String
    let home: String
    let device = "dev0"
    let peer = "peer0"
    let ifb = "ifb-dp"
    /// Users in tierd's tree; 0 when unshaped.
    private(set) var users = 0
    private(set) var shaper: Shaper?
    private var destroyed = false

    init() throws {
        let base = "tierddp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        isp = base + "-isp"
        home = base + "-home"
        do {
            for namespace in [isp, home] {
                try Shell.run(["ip", "netns", "add", namespace])
                NamespaceRegistry.add(namespace)
            }
            try Shell.run(["ip", "-n", isp, "link", "add", device, "address", Self.text(Self.deviceMAC), "type", "veth",
                           "peer", "name", peer, "address", Self.text(Self.peerMAC), "netns", home])
            try Shell.run(["ip", "-n", isp, "addr", "add", "192.0.2.1/24", "dev", device])
            try Shell.run(["ip", "-n", isp, "addr", "add", "2001:db8:ffff::1/64", "dev", device, "nodad"])
            for namespace in [isp, home] {
                // No ICMP errors for the dropped frames (they would cross the download tree),
                // and no reverse-path check on the users' source addresses.
                try Shell.inNamespace(namespace, ["sysctl", "-qw", "net.ipv4.icmp_msgs_per_sec=0",
                                                  "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"])
            }
            try Shell.inNamespace(isp, ["sysctl", "-qw", "net.ipv4.conf.\(device).rp_filter=0"])
            try Shell.run(["ip", "-n", isp, "link", "set", device, "up"])
            try Shell.run(["ip", "-n", home, "link", "set", peer, "up"])
        } catch {
            destroy()
            throw error
        }
    }

    /// Builds tierd's tree for `users` with the library (`prepare()` + `converge(to:)`), as the
    /// daemon does; returns the seconds it took. The IFB is tierd's own (prepare creates it).
    func shape(_ users: [ShapedUser]) throws -> Double {
        let shaper = try Shaper(ShaperConfiguration(interface: device, ifb: ifb, namespace: isp,
                                                    spareClasses: ShaperConfiguration.defaultSpareClasses))
        self.shaper = shaper
        let start = ContinuousClock.now
        try shaper.prepare()
        let report = try shaper.converge(to: users)
        guard report.errors.isEmpty else { throw BenchFailure("converge of \(users.count) users failed: \(report.errors[0])") }
        self.users = users.count
        return start.duration(to: .now).seconds
    }

    /// The counter of frames that came through, for `direction` (see the type's comment).
    func deliveredCounter(_ direction: DataplaneDirection, _ family: DataplaneFamily) throws -> NamespaceCounter {
        switch direction {
        case .download: try NamespaceCounter(namespace: home, .receivedPackets(device: peer))
        case .upload: try NamespaceCounter(namespace: isp, .ipInReceives(family))
        }
    }

    /// Where and how the generator sends for `direction`: out of `dev0` in the isp namespace
    /// to the users (download), or out of `peer0` in the home namespace from the users (upload).
    func generatorSetup(_ direction: DataplaneDirection, family: DataplaneFamily, threads: Int, addresses: [[UInt8]]) -> PacketGenerator.Setup {
        let ispAddress = family == .ipv4 ? Self.ispIPv4 : Self.ispIPv6
        switch direction {
        case .download:
            return PacketGenerator.Setup(namespace: isp, interface: device, threads: threads, family: family, cycleSource: false,
                                         addresses: addresses, fixedAddress: ispAddress,
                                         sourceMAC: Self.deviceMAC, destinationMAC: Self.elsewhereMAC)
        case .upload:
            return PacketGenerator.Setup(namespace: home, interface: peer, threads: threads, family: family, cycleSource: true,
                                         addresses: addresses, fixedAddress: ispAddress,
                                         sourceMAC: Self.peerMAC, destinationMAC: Self.deviceMAC)
        }
    }

    /// Deletes tierd's tree and IFB explicitly (a big tree left to the namespace's asynchronous
    /// cleanup would slow the class creation of whatever runs next), drops the Shaper (its
    /// netlink socket keeps the namespace alive), then deletes both namespaces.
    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        if let shaper {
            try? shaper.teardown()
            self.shaper = nil
        }
        _ = try? Shell.run(["tc", "-n", isp, "qdisc", "del", "dev", device, "root"], allowFailure: true)
        _ = try? Shell.run(["tc", "-n", isp, "qdisc", "del", "dev", device, "ingress"], allowFailure: true)
        _ = try? Shell.run(["ip", "-n", isp, "link", "del", ifb], allowFailure: true)
        for namespace in [isp, home] {
            _ = try? Shell.run(["ip", "netns", "del", namespace], allowFailure: true)
            NamespaceRegistry.remove(namespace)
        }
    }

    deinit { destroy() }

    private static func text(_ mac: [UInt8]) -> String {
        mac.map { String(format: "%02x", $0) }.joined(separator: ":")
    }
}
