import Testing
import TestSupport
@testable import TrafficControl

/// Deterministic, varied users: IPv4 hosts, IPv6 hosts, /30, /64 and /48 prefixes, several
/// addresses per user, and users unthrottled in one direction.
func makeUsers(_ range: Range<Int>, tier: (Int) -> (UInt64?, UInt64?)) -> [ShapedUser] {
    range.map { i in
        var addresses: [String] = []
        switch i % 4 {
        case 0: addresses = ["10.50.\(i / 250).\(i % 250 + 1)"]
        case 1: addresses = ["10.50.\(i / 250).\(i % 250 + 1)", "fd00:aa::\(String(i + 1, radix: 16))"]
        case 2: addresses = ["fd00:bb:0:\(String(i, radix: 16))::/64", "10.60.\(i / 60).\((i % 60) * 4)/30"]
        default: addresses = ["fd00:aa::\(String(i + 1, radix: 16))", "fd00:cc:\(String(i, radix: 16))::/48",
                              "10.50.\(i / 250).\(i % 250 + 1)", "10.70.\(i / 250).\(i % 250 + 1)"]
        }
        let (download, upload) = tier(i)
        return ShapedUser(id: "user\(i)", addresses: addresses.map { IPPrefix($0)! }, download: download, upload: upload)
    }
}

let tiers: [UInt64] = [2_000_000, 5_000_000, 20_000_000, 1_000_000_000, 40_000_000_000]

/// The wanted classes of one direction.
func wanted(_ users: [ShapedUser], _ rate: KeyPath<ShapedUser, UInt64?>) -> [String: (addresses: [IPPrefix], rate: UInt64)] {
    var result: [String: (addresses: [IPPrefix], rate: UInt64)] = [:]
    for user in users { if let value = user[keyPath: rate] { result[user.id] = (user.addresses, value) } }
    return result
}

/// Verifies both directions; returns user -> class handle per direction.
/// `spares`: ready classes expected per direction.
func expectExact(_ shaper: Shaper, _ users: [ShapedUser], spares: Int = 0,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> (download: [String: UInt32], upload: [String: UInt32]) {
    let state = try shaper.readState()
    let verifier = StateVerifier(leafKind: shaper.leafQdiscKind, spares: spares)
    let down = verifier.verify(state.download, wanted: wanted(users, \.download))
    let up = verifier.verify(state.upload, wanted: wanted(users, \.upload))
    #expect(down.problems == [], "download", sourceLocation: sourceLocation)
    #expect(up.problems == [], "upload", sourceLocation: sourceLocation)
    let hooks = state.hooks.filter(\.isTierd).map { "\(TCHandle.text($0.parent)) \($0.programName ?? "")" }.sorted()
    #expect(state.ingressQdiscKind == "clsact" && hooks == ["egress tierd_down:\(Classifier.version)", "ingress tierd_up:\(Classifier.version)"],
            "\(state.hooks)", sourceLocation: sourceLocation)
    return (down.classes, up.classes)
}

extension KernelTests {
    @Suite("Kernel state")
    struct KernelStateTests {
        @Test("400 users converge exactly; removal, re-tiering and address changes leave no orphans")
        func convergeExactly() throws {
            let fixture = try KernelFixture()
            var users = makeUsers(0..<400) { i in
                (i % 7 == 0 ? nil : tiers[i % tiers.count], i % 5 == 0 ? nil : tiers[(i + 1) % tiers.count])
            }
            let first = try fixture.shaper.converge(to: users)
            #expect(first.errors == [])
            #expect(first.classesCreated > 0 && first.entriesSet > 0)
            let before = try expectExact(fixture.shaper, users)
            #expect(Set(before.download.values.map { $0 >> 16 }).count > 1, "users spread over several shards")

            let again = try fixture.shaper.converge(to: users)
            #expect(again.totalChanges == 0 && again.errors.isEmpty, "\(again)")

            // Remove 60 users, re-tier 100, change addresses of 20, add 30 new ones.
            users.removeSubrange(100..<160)
            for index in 0..<100 {
                if let rate = users[index].download { users[index].download = rate == tiers[0] ? tiers[1] : tiers[0] }
                if let rate = users[index].upload { users[index].upload = rate == tiers[2] ? tiers[3] : tiers[2] }
            }
            for index in 200..<220 {
                users[index].addresses = [IPPrefix("10.90.\(index / 250).\(index % 250 + 1)")!] + users[index].addresses.dropFirst()
            }
            users += makeUsers(1000..<1030) { _ in (tiers[1], tiers[0]) }
            let changed = try fixture.shaper.converge(to: users)
            #expect(changed.errors == [])
            #expect(changed.classesChanged > 0 && changed.classesDeleted > 0 && changed.entriesDeleted > 0)
            let after = try expectExact(fixture.shaper, users)

            // Re-tiered users kept their class: changed in place, never deleted and re-added.
            for user in users[0..<100] {
                if let old = before.download[user.id] { #expect(after.download[user.id] == old, "\(user.id) download class moved") }
                if let old = before.upload[user.id] { #expect(after.upload[user.id] == old, "\(user.id) upload class moved") }
            }
            let third = try fixture.shaper.converge(to: users)
            #expect(third.totalChanges == 0 && third.errors.isEmpty, "\(third)")

            // Everything removed: no user class, no address filter left.
            let empty = try fixture.shaper.converge(to: [])
            #expect(empty.errors == [])
            _ = try expectExact(fixture.shaper, [])
        }

        @Test("a restarted shaper adopts the tree and changes nothing")
        func adoption() throws {
            let fixture = try KernelFixture()
            let users = makeUsers(0..<50) { i in (tiers[i % 3], tiers[(i + 1) % 3]) }
            #expect(try fixture.shaper.converge(to: users).errors == [])
            let restarted = try Shaper(ShaperConfiguration(interface: fixture.network.serverInterface, ifb: fixture.ifbName,
                                                           namespace: fixture.network.serverNS))
            try restarted.prepare()
            let report = try restarted.converge(to: users)
            #expect(report.totalChanges == 0 && report.errors.isEmpty, "\(report)")
            _ = try expectExact(restarted, users)
            // The IFB tierd created is up, with a txqueuelen that gives HTB a real direct queue.
            let link = try fixture.network.run(fixture.network.serverNS, ["ip", "link", "show", fixture.ifbName])
            #expect(link.contains("qlen 1000") && link.contains(",UP"), "\(link)")
        }

        @Test("a foreign root qdisc is refused unless takeover")
        func foreignRoot() throws {
            let network = try TestNetwork.make()
            defer { network.destroy() }
            try network.run(network.serverNS, ["tc", "qdisc", "add", "dev", network.serverInterface, "root", "handle", "1:", "htb"])
            let configuration = ShaperConfiguration(interface: network.serverInterface, ifb: "ifb-tierd", namespace: network.serverNS)
            #expect(throws: TrafficControlError.self) { try Shaper(configuration).prepare() }
            var takeover = configuration
            takeover.takeover = true
            let shaper = try Shaper(takeover)
            try shaper.prepare()
            let state = try shaper.readState()
            #expect(state.download.qdiscs.contains { $0.handle == 0x7164_0000 && $0.parent == 0xFFFF_FFFF })
            try shaper.teardown()
            let after = try network.run(network.serverNS, ["ip", "link", "show"])
            #expect(!after.contains("ifb-tierd"))
        }

        @Test("a refused object is reported with its reason, and the next converge repairs it")
        func refusedObjectIsReportedAndRepaired() throws {
            let fixture = try KernelFixture()
            let good = ShapedUser(id: "good", addresses: [IPPrefix("10.50.0.1")!], download: 5_000_000, upload: nil)
            // HTB refuses a class with rate 0 (EINVAL); its leaf and filters fail with it.
            let bad = ShapedUser(id: "bad", addresses: [IPPrefix("10.50.0.2")!], download: 0, upload: nil)
            let report = try fixture.shaper.converge(to: [good, bad])
            let classError = report.errors.first { $0.operation == "create class" }
            #expect(classError != nil, "\(report.errors)")
            #expect(classError?.errno == 22)
        print("refused: \(classError.map(String.init(describing:)) ?? "-")")
            #expect(classError?.object.contains(fixture.network.serverInterface) == true)
            #expect(!(classError?.reason.isEmpty ?? true))
            var fixed = bad
            fixed.download = 2_000_000
            let repair = try fixture.shaper.converge(to: [good, fixed])
            #expect(repair.errors == [])
            _ = try expectExact(fixture.shaper, [good, fixed])
        }
    }
}

extension KernelTests.KernelStateTests {
    @Test("drift is repaired: deleted root, clsact, IFB, classifier filter, a user's class, an altered map entry")
    func driftRepair() throws {
        let fixture = try KernelFixture()
        let users = makeUsers(0..<20) { i in (tiers[i % 3], tiers[(i + 1) % 3]) }
        #expect(try fixture.shaper.converge(to: users).errors == [])
        let interface = fixture.network.serverInterface
        let ns = fixture.network.serverNS
        let (download, _) = try expectExact(fixture.shaper, users)
        let victim = try #require(download["user3"])
        // One user's class behind tierd's back, a classifier hook, then larger parts of the tree.
        try fixture.network.run(ns, ["tc", "class", "del", "dev", interface, "classid", TCHandle.text(victim)])
        try fixture.network.run(ns, ["tc", "filter", "del", "dev", interface, "egress"])
        #expect(try fixture.shaper.converge(to: users).errors == [])
        _ = try expectExact(fixture.shaper, users)
        // An entry altered by hand (bpftool-style) is put back by the next converge.
        let state = try fixture.shaper.readState()
        let (prefix, _) = try #require(state.download.entries.first)
        let attached = Classifier.adopt(programIDs: [.down: try #require(state.hooks.first { $0.parent == TCHandle.clsactEgress }?.programID)])
        #expect(attached.addressMaps(.destination)?.set(prefix, 0x7200_FFFE) == nil)
        let fixed = try fixture.shaper.converge(to: users)
        #expect(fixed.entriesSet == 1 && fixed.totalChanges == 1, "\(fixed)")
        try fixture.network.run(ns, ["tc", "qdisc", "del", "dev", interface, "root"])
        try fixture.network.run(ns, ["tc", "qdisc", "del", "dev", interface, "clsact"])
        try fixture.network.run(ns, ["ip", "link", "del", fixture.ifbName])
        let repair = try fixture.shaper.converge(to: users)
        #expect(repair.errors == [])
        _ = try expectExact(fixture.shaper, users)
        #expect(try fixture.shaper.converge(to: users).totalChanges == 0)
    }

    @Test("an address claimed by two users is reported and kept for the first")
    func duplicateAddress() throws {
        let fixture = try KernelFixture()
        let shared = IPPrefix("10.50.0.9")!
        let first = ShapedUser(id: "first", addresses: [shared], download: 2_000_000, upload: nil)
        let second = ShapedUser(id: "second", addresses: [shared, IPPrefix("10.50.0.10")!], download: 5_000_000, upload: nil)
        let report = try fixture.shaper.converge(to: [first, second])
        #expect(report.errors.contains { $0.object.contains("10.50.0.9") && $0.reason.contains("first") && $0.reason.contains("second") })
        let state = try fixture.shaper.readState()
        let verifier = StateVerifier(leafKind: fixture.shaper.leafQdiscKind)
        let check = verifier.verify(state.download, wanted: ["first": ([shared], 2_000_000),
                                                             "second": ([IPPrefix("10.50.0.10")!], 5_000_000)])
        #expect(check.problems == [])
    }

    @Test("a device under the IFB name that is not an IFB is refused and left alone")
    func impostorIFB() throws {
        let network = try TestNetwork.make()
        defer { network.destroy() }
        let name = "ifbx\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
        try network.run(network.serverNS, ["ip", "link", "add", name, "type", "veth", "peer", "name", name + "p"])
        let shaper = try Shaper(ShaperConfiguration(interface: network.serverInterface, ifb: name, namespace: network.serverNS))
        #expect { try shaper.prepare() } throws: { ($0 as? TrafficControlError)?.reason.contains("not an IFB") == true }
        let qdiscs = try network.run(network.serverNS, ["tc", "qdisc", "show", "dev", name])
        #expect(!qdiscs.contains("htb"), "\(qdiscs)")
        let ingress = try network.run(network.serverNS, ["tc", "qdisc", "show", "dev", network.serverInterface])
        #expect(!ingress.contains("clsact") && !ingress.contains("7164"), "nothing touched: \(ingress)")
    }

    @Test("a foreign ingress qdisc is refused unless takeover; an earlier tierd's u32 ingress is migrated")
    func foreignIngress() throws {
        let network = try TestNetwork.make()
        defer { network.destroy() }
        let interface = network.serverInterface
        try network.run(network.serverNS, ["tc", "qdisc", "add", "dev", interface, "ingress"])
        try network.run(network.serverNS, ["tc", "filter", "add", "dev", interface, "parent", "ffff:", "prio", "5", "protocol", "ip",
                                           "u32", "match", "u32", "0", "0", "flowid", "1:1"])
        let configuration = ShaperConfiguration(interface: interface, ifb: "ifb-tierd", namespace: network.serverNS)
        #expect { try Shaper(configuration).prepare() } throws: { ($0 as? TrafficControlError)?.reason.contains("foreign ingress") == true }
        var takeover = configuration
        takeover.takeover = true
        let shaper = try Shaper(takeover)
        try shaper.prepare()
        #expect(try shaper.readState().ingressQdiscKind == "clsact")
        try shaper.teardown()
    }
}

extension KernelTests.KernelStateTests {
    @Test("a pipelined failure carries the kernel's extended-ack text and its own object")
    func extendedAckText() throws {
        let fixture = try KernelFixture()
        let socket = try NetlinkSocket(namespace: fixture.network.serverNS)
        let device = try #require(try KernelReader(socket: socket).device(named: fixture.network.serverInterface))
        // A class with rate 0: HTB refuses it; the good request around it succeeds, and its
        // duplicate fails on its own.
        let good = TCRequests.putClass(device, ClassSpec.user(handle: 0x7164_0F01, parent: 0x7164_0000, rate: 1_000_000, mtu: 1500), replace: false)
        let bad = TCRequests.putClass(device, ClassSpec.user(handle: 0x7164_0F02, parent: 0x7164_0000, rate: 0, mtu: 1500), replace: false)
        let errors = socket.execute([good, bad, good])
        #expect(errors.count == 2, "\(errors)")
        let parentError = try #require(errors.first { $0.object.contains("7164:f02") })
        #expect(parentError.errno == 22 && !parentError.reason.isEmpty, "\(parentError)")
        #expect(errors.contains { $0.errno == 17 && $0.object.contains("7164:f01") })
    }
}

extension KernelTests.KernelStateTests {
    @Test("upgrading from the u32 layout keeps each user's class: entries written, u32 filters and the old ingress gone")
    func upgradeFromU32Layout() throws {
        let network = try TestNetwork.make()
        defer { network.destroy() }
        let ns = network.serverNS
        let dev = network.serverInterface
        let ifb = "ifb-u\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
        // What tierd's u32 version left: root, one shard with alice's class, hash-free u32
        // filters (the decoding does not care which table a filter sits in), its ingress.
        for command in [
            ["ip", "link", "add", ifb, "type", "ifb"], ["ip", "link", "set", ifb, "up"],
            ["tc", "qdisc", "add", "dev", dev, "root", "handle", "7164:", "htb", "default", "0"],
            ["tc", "class", "add", "dev", dev, "parent", "7164:", "classid", "7164:1", "htb", "rate", "400gbit"],
            ["tc", "qdisc", "add", "dev", dev, "parent", "7164:1", "handle", "7200:", "htb", "default", "0"],
            ["tc", "class", "add", "dev", dev, "parent", "7200:", "classid", "7200:5", "htb", "rate", "3mbit"],
            ["tc", "qdisc", "add", "dev", dev, "parent", "7200:5", "handle", "10:", "pfifo", "limit", "1000"],
            ["tc", "filter", "add", "dev", dev, "parent", "7164:", "prio", "1", "protocol", "ip", "u32", "match", "ip", "dst", "10.50.0.1/32", "flowid", "7164:1"],
            ["tc", "filter", "add", "dev", dev, "parent", "7200:", "prio", "1", "protocol", "ip", "u32", "match", "ip", "dst", "10.50.0.1/32", "flowid", "7200:5"],
            ["tc", "filter", "add", "dev", dev, "parent", "7200:", "prio", "2", "protocol", "ipv6", "u32", "match", "ip6", "dst", "fd00:aa::1/128", "flowid", "7200:5"],
            ["tc", "qdisc", "add", "dev", dev, "ingress"],
            ["tc", "filter", "add", "dev", dev, "parent", "ffff:", "prio", "1", "protocol", "ip", "u32", "match", "u32", "0", "0",
             "action", "mirred", "egress", "redirect", "dev", ifb],
        ] { try network.run(ns, command) }
        let shaper = try Shaper(ShaperConfiguration(interface: dev, ifb: ifb, namespace: ns))
        try shaper.prepare()
        let alice = ShapedUser(id: "alice", addresses: [IPPrefix("10.50.0.1")!, IPPrefix("fd00:aa::1")!], download: 5_000_000, upload: nil)
        let report = try shaper.converge(to: [alice])
        #expect(report.errors == [])
        #expect(report.classesCreated == 0 && report.classesDeleted == 0 && report.classesChanged == 1, "\(report)")
        let (download, _) = try expectExact(shaper, [alice])
        #expect(download["alice"] == 0x7200_0005, "alice kept her class")
        #expect(try shaper.converge(to: [alice]).totalChanges == 0)
        try shaper.teardown()
    }
}
