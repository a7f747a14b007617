/// A cold `prepare()` + `converge(to:)` written as an operator's script would do the same
/// work: `tc -batch` lines for the qdiscs and classes, the classifier filters to attach, and
/// the map entries to write (for `bpftool batch`). Produced from tierd's own plan
/// (`DirectionEngine` on an empty tree), so the benchmark's floor is the same layout by
/// construction, not a copy that could drift.
public struct ColdBuildScript: Sendable {
    public struct Attachment: Sendable, Equatable {
        public var device: String
        /// As tc writes it: "egress", "ingress", "parent 7164:".
        public var parent: String
        /// The program's name in the object ("tierd_down", "tierd_up", "tierd_shard").
        public var program: String
        /// The classid option ("7164:") for the root filters, nil for the hooks.
        public var classid: String?
    }

    public struct Entry: Sendable, Equatable {
        /// The map's name in the object ("down_host4", "shard_of", "up_config", ...).
        public var map: String
        public var key: [UInt8]
        public var value: UInt32
    }

    public var tcBatch: [String]
    public var attachments: [Attachment]
    public var entries: [Entry]

    /// The version-named filter name tierd itself gives a program (for comparing trees).
    public static func filterName(program: String) -> String? {
        Classifier.Program(rawValue: program).map(Classifier.filterName)
    }
}

extension Shaper {
    /// What a cold build of `desired` on fresh devices sends (leaf-kind probe and IFB creation
    /// aside), in the order tierd sends it. `ifbIndex`: the IFB's interface index, the value of
    /// the classifier's `up_config` entry.
    public static func coldBuildScript(_ desired: [ShapedUser], interface: String, ifb: String, ifbIndex: Int32,
                                       leafKind: String, spareClasses: Int, mtu: UInt32 = 1500) -> ColdBuildScript {
        let devices = [Device(name: interface, ifindex: 0, mtu: mtu, isUp: true, kind: nil, arpType: 1),
                       Device(name: ifb, ifindex: ifbIndex, mtu: mtu, isUp: true, kind: "ifb", arpType: 1)]
        var lines = devices.map { TCCommand.qdisc($0.name, handle: Layout.rootHandle, parent: TCHandle.root, kind: "htb", fifoLimit: 0, replace: true) }
        lines.append(TCCommand.qdisc(interface, handle: TCHandle.clsactHandle, parent: TCHandle.clsactParent, kind: "clsact", fifoLimit: 0, replace: false))
        let root = "parent \(TCHandle.text(Layout.rootHandle))"
        let rootClassid = TCHandle.text(Layout.rootHandle)
        let attachments = [
            ColdBuildScript.Attachment(device: interface, parent: "egress", program: Classifier.Program.down.rawValue, classid: nil),
            ColdBuildScript.Attachment(device: interface, parent: "ingress", program: Classifier.Program.up.rawValue, classid: nil),
            ColdBuildScript.Attachment(device: interface, parent: root, program: Classifier.Program.shard.rawValue, classid: rootClassid),
            ColdBuildScript.Attachment(device: ifb, parent: root, program: Classifier.Program.shard.rawValue, classid: rootClassid),
        ]
        var entries = Layout.shardMajors.enumerated().map { index, major in
            ColdBuildScript.Entry(map: "shard_of", key: withUnsafeBytes(of: major.littleEndian) { Array($0) },
                                  value: TCHandle.minor(Layout.shardClass(index)))
        }
        entries.append(ColdBuildScript.Entry(map: "up_config", key: [0, 0, 0, 0], value: UInt32(bitPattern: ifbIndex)))
        let sides: [(KeySide, KeyPath<ShapedUser, UInt64?>, String)] = [(.destination, \.download, "down_"), (.source, \.upload, "up_")]
        var plans: [DirectionPlan] = []
        for (index, (side, rate, prefix)) in sides.enumerated() {
            let wanted = desired.compactMap { user in user[keyPath: rate].map { WantedClass(user: user.id, addresses: user.addresses, rate: $0) } }
            var engine = DirectionEngine(device: devices[index], side: side, leafKind: leafKind,
                                         state: DirectionState(device: devices[index].name, qdiscs: [], classes: [], filters: [], entries: [:]),
                                         wanted: wanted, spares: spareClasses)
            var plan = DirectionPlan()
            engine.converge(wanted, into: &plan)
            plans.append(plan)
            for (address, handle) in plan.entryChanges.sorted(by: { $0.key < $1.key }) {
                guard let handle else { continue }
                entries.append(ColdBuildScript.Entry(map: prefix + AddressMapKey.kind(of: address).suffix, key: AddressMapKey.key(address), value: handle))
            }
        }
        lines += plans.flatMap(\.beforeEntries).compactMap { $0.tcCommand() }
        return ColdBuildScript(tcBatch: lines, attachments: attachments, entries: entries)
    }
}
