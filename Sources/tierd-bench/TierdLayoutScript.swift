import TrafficControl

/// tierd's own tree (Sources/TrafficControl/Layout.swift, DirectionPlanner, TCRequests) written
/// as a `tc -batch` script: the same qdiscs, classes, hash tables, links and address filters
/// with the same handles, in the same order as a cold `prepare()` + `converge(to:)` sends them.
/// Its `tc -batch` time is the kernel floor for that layout.
///
/// Mirrors TrafficControl internals on purpose (they are not public); `KernelBenchmark`
/// reads both trees back and compares them object by object, so any drift shows up as a
/// mismatch instead of a silently unfair baseline. Not reproduced: tierd's leaf-kind probe
/// (one class and one qdisc created and deleted on the IFB) and the IFB creation.
enum TierdLayoutScript {
    static let rootMajor: UInt32 = 0x7164
    static let usersPerShard = 150
    static let maxShards = 256
    static let shardRate: UInt64 = 400_000_000_000
    /// Rate of a newly created ready class (Layout.spareRate).
    static let spareRate: UInt64 = shardRate

    /// The kernel's qdisc hash bucket of a handle (`hash_min(handle, 4)`), as in Layout.
    static func bucket(_ handle: UInt32) -> UInt32 { (handle &* 0x61C8_8647) >> 28 }

    /// Inner HTB majors: 0x7200 and up, all in the bucket of 0x7200 (Layout.shardMajors).
    static let shardMajors: [UInt32] = {
        let wanted = bucket(0x7200 << 16)
        var majors: [UInt32] = []
        var major: UInt32 = 0x7200
        while majors.count < maxShards {
            if bucket(major << 16) == wanted { majors.append(major) }
            major += 1
        }
        return majors
    }()

    /// Leaf majors in allocation order: 1 ... 0xFFEF outside the shard bucket and the root.
    static let leafMajors: [UInt32] = {
        let shardBucket = bucket(0x7200 << 16)
        return (UInt32(1)...0xFFEF).filter { $0 != rootMajor && bucket($0 << 16) != shardBucket }
    }()

    /// One u32 hash table: id, divisor, link node, hashed word offset and mask (Layout's AddressFamily.tables).
    private struct Table {
        let id: UInt32
        let divisor: Int
        let linkNode: Int
        let wordOffset: Int?
        let mask: UInt32
    }

    private struct Family {
        let name: String      // tc protocol
        let match: String     // tc match keyword
        let priority: Int
        let tables: [Table]
        func offset(download: Bool) -> Int { name == "ip" ? (download ? 16 : 12) : (download ? 24 : 8) }
    }

    private static let families = [
        Family(name: "ip", match: "ip", priority: 1, tables: [
            Table(id: 1, divisor: 256, linkNode: 1, wordOffset: 0, mask: 0xFF),
            Table(id: 2, divisor: 256, linkNode: 2, wordOffset: 0, mask: 0xFF00),
            Table(id: 3, divisor: 1, linkNode: 3, wordOffset: nil, mask: 0),
        ]),
        Family(name: "ipv6", match: "ip6", priority: 2, tables: [
            Table(id: 4, divisor: 256, linkNode: 1, wordOffset: 12, mask: 0xFF),
            Table(id: 5, divisor: 256, linkNode: 2, wordOffset: 4, mask: 0xFF),
            Table(id: 6, divisor: 1, linkNode: 3, wordOffset: nil, mask: 0),
            Table(id: 7, divisor: 256, linkNode: 4, wordOffset: 4, mask: 0xFF00),
            Table(id: 8, divisor: 256, linkNode: 5, wordOffset: 4, mask: 0xFF_0000),
        ]),
    ]

    /// FilterPlacement.spillThreshold: past this many filters a bucket overflows into the next
    /// table the address fits.
    static let spillThreshold = 128

    /// AddressFamily.placements for the host addresses the benchmark uses: every hashed table
    /// (its hashed byte is inside a host address), the one hashing the highest byte first.
    private static func hostPlacements(_ prefix: IPPrefix, family: Family) -> [(table: UInt32, bucket: UInt32)] {
        family.tables.compactMap { table -> (UInt32, UInt32, Int)? in
            guard let word = table.wordOffset else { return nil }
            let byte = word + 3 - table.mask.trailingZeroBitCount / 8
            return (table.id, UInt32(prefix.bytes[byte]), byte)
        }.sorted { $0.2 > $1.2 }.map { ($0.0, $0.1) }
    }

    /// The whole script: fixed part (roots, ingress, redirects, root hash tables), then the
    /// download tree, then the upload tree.
    /// `spareClasses`: the ready classes per direction converge keeps (after the users, no filters).
    static func script(users: [BenchUser], device: String, ifb: String, leafKind: String, spareClasses: Int) -> String {
        var lines: [String] = []
        lines.reserveCapacity(users.count * 10 + 100)
        // prepare(): root HTBs, ingress and its redirects, then the root's tables and links.
        for dev in [device, ifb] { lines.append("qdisc replace dev \(dev) root handle \(tcHandle(rootMajor)) htb default 0") }
        lines.append("qdisc add dev \(device) ingress")
        for family in families {
            lines.append("filter add dev \(device) parent ffff: protocol \(family.name) prio \(family.priority) u32 match u32 0 0 action mirred egress redirect dev \(ifb)")
        }
        for (dev, download) in [(device, true), (ifb, false)] {
            lines += structure(dev: dev, qdisc: tcHandle(rootMajor), download: download)
        }
        // converge(): one direction after the other.
        lines += direction(users: users, dev: device, download: true, leafKind: leafKind, spares: spareClasses)
        lines += direction(users: users, dev: ifb, download: false, leafKind: leafKind, spares: spareClasses)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Hash tables, then link nodes, per family, on one qdisc.
    private static func structure(dev: String, qdisc: String, download: Bool) -> [String] {
        var lines: [String] = []
        for family in families {
            let head = "filter add dev \(dev) parent \(qdisc) protocol \(family.name) prio \(family.priority)"
            for table in family.tables {
                lines.append("\(head) handle \(String(table.id, radix: 16)): u32 divisor \(table.divisor)")
            }
            for table in family.tables {
                var line = "\(head) handle ::\(String(table.linkNode, radix: 16)) u32 match u32 0 0 at 0 link \(String(table.id, radix: 16)):"
                if let word = table.wordOffset {
                    line += " hashkey mask 0x\(String(format8(table.mask))) at \(family.offset(download: download) + word)"
                }
                lines.append(line)
            }
        }
        return lines
    }

    private static func format8(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    /// One direction of converge on a cold tree: shard classes and inner qdiscs, their hash
    /// tables, user classes, leaves, then root and inner address filters.
    private static func direction(users: [BenchUser], dev: String, download: Bool, leafKind: String, spares: Int) -> [String] {
        let wanted = users.compactMap { user -> (BenchUser, UInt64)? in
            (download ? user.download : user.upload).map { (user, $0) }
        }
        guard !wanted.isEmpty || spares > 0 else { return [] }
        let shardCount = min(maxShards, max(1, (wanted.count + spares + usersPerShard - 1) / usersPerShard))
        // Least-loaded placement on a cold tree is round robin; minors count up per shard.
        // Ready classes come after the users: a class and a leaf each, at the spare rate.
        var minorsUsed = [UInt32](repeating: 0, count: shardCount)
        var placement: [(shard: Int, minor: UInt32)] = []
        placement.reserveCapacity(wanted.count + spares)
        for position in 0..<(wanted.count + spares) {
            let shard = position % shardCount
            minorsUsed[shard] += 1
            placement.append((shard, minorsUsed[shard]))
        }
        var lines: [String] = []
        let root = tcHandle(rootMajor)
        for shard in 0..<shardCount {
            lines.append("class add dev \(dev) parent \(root) classid \(tcHandle(rootMajor, UInt32(shard + 1))) \(HTBParameters(rate: shardRate).arguments)")
            lines.append("qdisc add dev \(dev) parent \(tcHandle(rootMajor, UInt32(shard + 1))) handle \(tcHandle(shardMajors[shard])) htb default 0")
        }
        for shard in 0..<shardCount {
            lines += structure(dev: dev, qdisc: tcHandle(shardMajors[shard]), download: download)
        }
        let rates = wanted.map(\.1) + Array(repeating: spareRate, count: spares)
        for (rate, place) in zip(rates, placement) {
            let major = shardMajors[place.shard]
            lines.append("class add dev \(dev) parent \(tcHandle(major)) classid \(tcHandle(major, place.minor)) \(HTBParameters(rate: rate).arguments)")
        }
        for (index, place) in placement.enumerated() {
            let major = shardMajors[place.shard]
            lines.append("qdisc replace dev \(dev) parent \(tcHandle(major, place.minor)) handle \(tcHandle(leafMajors[index])) \(LeafQdisc.arguments(kind: leafKind))")
        }
        // Address filters: the root's (-> shard class) first, then each inner qdisc's (-> user
        // class); within a qdisc in user order, which is also the order in which converge
        // decides where a filter of an overfull bucket spills (FilterPlacement.choose).
        var rootFilters: [(IPPrefix, String)] = []
        var innerFilters = [[(IPPrefix, String)]](repeating: [], count: shardCount)
        for ((user, _), place) in zip(wanted, placement) {
            let major = shardMajors[place.shard]
            for prefix in user.addresses {
                rootFilters.append((prefix, tcHandle(rootMajor, UInt32(place.shard + 1))))
                innerFilters[place.shard].append((prefix, tcHandle(major, place.minor)))
            }
        }
        let key = download ? "dst" : "src"
        func filterLines(_ filters: [(IPPrefix, String)], qdisc: UInt32) -> [String] {
            var load: [String: Int] = [:]
            return filters.map { prefix, target in
                let isV6 = prefix.bytes.count == 16
                let family = families[isV6 ? 1 : 0]
                let candidates = hostPlacements(prefix, family: family)
                let chosen = candidates.first { load["\($0.table):\($0.bucket)", default: 0] < spillThreshold }
                    ?? candidates.enumerated().min { (load["\($0.element.table):\($0.element.bucket)", default: 0], $0.offset)
                        < (load["\($1.element.table):\($1.element.bucket)", default: 0], $1.offset) }!.element
                load["\(chosen.table):\(chosen.bucket)", default: 0] += 1
                let node = UInt32(load["\(chosen.table):\(chosen.bucket)"]!)
                let ht = "\(String(chosen.table, radix: 16)):\(String(chosen.bucket, radix: 16)):"
                let match = "match \(family.match) \(key) \(prefix)/\(isV6 ? 128 : 32)"
                return "filter add dev \(dev) parent \(tcHandle(qdisc)) protocol \(family.name) prio \(family.priority) handle \(ht)\(String(node, radix: 16)) u32 ht \(ht) \(match) flowid \(target)"
            }
        }
        let rootLines = filterLines(rootFilters, qdisc: rootMajor)
        let innerLines = innerFilters.indices.map { filterLines(innerFilters[$0], qdisc: shardMajors[$0]) }
        lines += rootLines
        for shardLines in innerLines { lines += shardLines }
        return lines
    }
}
