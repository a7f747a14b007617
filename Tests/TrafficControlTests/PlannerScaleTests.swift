import Testing
@testable import TrafficControl

/// The upper bound, 60,000 throttled users per direction on one interface, planned
/// without a kernel: the layout has room for them (shards, class ids, leaf handles) and
/// every user gets a class of its own and a map entry per address. The kernel run of this size is a
/// benchmark row (`tierd-bench --sizes 60000`), not a test: it takes minutes.
@Suite("Engine at 60,000 users")
struct PlannerScaleTests {
    static let device = Device(name: "eth-test", ifindex: 2, mtu: 1500, isUp: true, kind: "veth", arpType: 1)
    static let empty = DirectionState(device: "eth-test", qdiscs: [], classes: [], filters: [], entries: [:])

    /// Every user an IPv4 host and every other one an IPv6 host too, as an ISP's access network.
    static func users(_ count: Int) -> [WantedClass] {
        (0..<count).map { i in
            var addresses = [IPPrefix("10.\(64 + i / 65536).\((i / 256) % 256).\(i % 256)")!]
            if i % 2 == 0 { addresses.append(IPPrefix("2001:db8:\(String(i / 65536, radix: 16)):\(String(i % 65536, radix: 16))::1")!) }
            return WantedClass(user: "u\(i)", addresses: addresses, rate: 20_000_000)
        }
    }

    @Test("60,000 users and 32 ready classes fit the layout: no error, a class each, at most 256 shards")
    func sixtyThousandUsersPlanCleanly() {
        let wanted = Self.users(60_000)
        for side in [KeySide.destination, .source] {
            var engine = DirectionEngine(device: Self.device, side: side, leafKind: "fq_codel", state: Self.empty, wanted: wanted, spares: 32)
            var plan = DirectionPlan()
            engine.converge(wanted, into: &plan)
            #expect(plan.errors.isEmpty, "\(plan.errors.prefix(3))")
            #expect(engine.classOf.count == wanted.count)
            let handles = Set(engine.classOf.values)
            #expect(handles.count == wanted.count, "users share classes")
            #expect(engine.spares.count == 32 && handles.isDisjoint(with: engine.spares))
            #expect(plan.classCreates.count == wanted.count + 32 && plan.leafCreates.count == wanted.count + 32)
            let perShard = Dictionary(grouping: Array(handles) + engine.spares) { TCHandle.major($0) }.mapValues(\.count)
            #expect(perShard.count == Layout.maxShards)
            #expect(perShard.values.max()! - perShard.values.min()! <= 1, "placement is balanced")
            // One map entry per address.
            #expect(plan.entryChanges.count == wanted.reduce(0) { $0 + $1.addresses.count })
        }
    }

    @Test("past the leaf handles a device has, the plan reports the users it cannot place instead of failing them silently")
    func beyondTheLeafHandlesIsReported() {
        let wanted = Self.users(62_000)
        var engine = DirectionEngine(device: Self.device, side: .destination, leafKind: "fq_codel", state: Self.empty, wanted: wanted)
        var plan = DirectionPlan()
        engine.converge(wanted, into: &plan)
        #expect(!plan.errors.isEmpty)
        #expect(plan.errors.allSatisfy { $0.operation == "allocate qdisc" }, "\(plan.errors.prefix(2))")
        #expect(plan.leafCreates.count + plan.errors.count == wanted.count)
    }
}
