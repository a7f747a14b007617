/// tierd's fixed kernel layout: handles, shard sizing, hash tables and key offsets.
///
/// Everything here is what lets tierd recognise its own tree after a restart (adoption)
/// without storing anything: the root handle marks ownership, the shard handles and hash
/// table ids are fixed, and the user -> class mapping is read back from the address filters.
enum Layout {
    /// Root HTB major on both devices: 0x7164 is "qd" in ASCII, chosen to be distinctive
    /// (tc's examples and most scripts use 1: or 10:).
    static let rootMajor: UInt32 = 0x7164
    static var rootHandle: UInt32 { TCHandle.make(rootMajor, 0) }
    /// Up to 256 shards of at most 65534 classes: far above the 60,000 users supported.
    static let maxShards = 256
    /// Target users per shard: keeps every inner HTB small, because the kernel walks all of a
    /// qdisc's classes on each class add (O(N^2) build for a flat tree).
    static let usersPerShard = 150
    /// Shard class rate and ceil: high enough never to limit (needs the 64-bit setters).
    static let shardRate: UInt64 = 400_000_000_000

    /// The bucket of a qdisc handle in the kernel's per-device qdisc hash table
    /// (`hash_min(handle, 4)` = `(handle * GOLDEN_RATIO_32) >> 28`).
    static func kernelQdiscBucket(_ handle: UInt32) -> UInt32 { (handle &* 0x61C8_8647) >> 28 }
    /// The kernel finds a qdisc by walking one of only 16 hash buckets, and every class or
    /// filter added to an inner qdisc looks it up. All inner qdiscs therefore get majors of
    /// one bucket that no leaf qdisc uses: their lookups walk at most the 256 shards instead
    /// of 1/16 of all leaves (measured: the largest kernel cost after class creation itself).
    static let shardBucket = kernelQdiscBucket(0x7200 << 16)
    /// Inner HTB qdisc majors, shard index -> major (0x7200 and up, all in `shardBucket`).
    static let shardMajors: [UInt32] = {
        var majors: [UInt32] = []
        var major: UInt32 = 0x7200
        while majors.count < maxShards {
            if kernelQdiscBucket(major << 16) == shardBucket { majors.append(major) }
            major += 1
        }
        return majors
    }()
    private static let shardIndexByMajor = Dictionary(uniqueKeysWithValues: shardMajors.enumerated().map { ($1, $0) })
    /// Majors available for user leaf qdiscs (explicit, because kernel auto-handles run out
    /// at 32768): everything below 0xFFF0 outside the shard bucket and the root, ~61,400.
    static let leafMajors: [ClosedRange<UInt32>] = [0x0001...0xFFEF]
    /// Majors a leaf must never take.
    static let reservedMajors: Set<UInt32> = {
        var reserved: Set<UInt32> = [rootMajor]
        for major in UInt32(1)...0xFFEF where kernelQdiscBucket(major << 16) == shardBucket { reserved.insert(major) }
        return reserved
    }()
    /// Rate of a newly created ready class (see `ShaperConfiguration.spareClasses`): no filter
    /// points to it, and a user's rate is set before any filter does. Never limiting, like a
    /// shard class: were traffic ever to reach one, it would pass unshaped (fail open), and
    /// `tc class show` does not mix ready classes up with a tier's.
    static let spareRate: UInt64 = shardRate
    /// Packet limit of a pfifo leaf (like the default txqueuelen).
    static let fifoLimit = 1000
    /// Highest u32 node id in one bucket (12 bits); the kernel reuses ids past this.
    static let maxNodeID: UInt32 = 0xFFF

    static func shardClass(_ index: Int) -> UInt32 { TCHandle.make(rootMajor, UInt32(index + 1)) }
    static func shardQdisc(_ index: Int) -> UInt32 { TCHandle.make(shardMajors[index], 0) }

    /// Shard index of a shard class handle, or nil.
    static func shardIndex(ofClass handle: UInt32) -> Int? {
        guard TCHandle.major(handle) == rootMajor else { return nil }
        let minor = Int(TCHandle.minor(handle))
        return (1...maxShards).contains(minor) ? minor - 1 : nil
    }

    /// Shard index of an inner qdisc or of a user class inside it, or nil.
    static func shardIndex(ofInner handle: UInt32) -> Int? { shardIndexByMajor[TCHandle.major(handle)] }

    /// How many shards `users` throttled users need.
    static func shardCount(forUsers users: Int) -> Int {
        min(maxShards, max(1, (users + usersPerShard - 1) / usersPerShard))
    }

    static func isLeafMajor(_ major: UInt32) -> Bool {
        leafMajors.contains { $0.contains(major) } && !reservedMajors.contains(major)
    }
}

/// Which address of the packet a tree keys on: destination for download, source for upload.
enum KeySide: Sendable {
    case destination
    case source

    /// Offset of the address in the IPv4 header.
    var ipv4Offset: Int { self == .destination ? 16 : 12 }
    /// Offset of the address in the IPv6 header.
    var ipv6Offset: Int { self == .destination ? 24 : 8 }
}

/// One u32 hash table of the layout (per qdisc; ids are unique across the qdisc's priorities).
struct HashTableSpec: Sendable, Equatable {
    /// 12-bit table id (the "ht" of "ht:bucket:node").
    var id: UInt32
    var divisor: UInt32
    /// Node id of the link filter in the priority's root table (also the walk order).
    var linkNode: UInt32
    /// Offset (relative to the address) of the 32-bit word whose last byte is hashed; nil for linear lists.
    var hashWordOffset: Int?
    /// Mask of the hashed byte within that word (host order); the kernel shifts it down.
    var hashMask: UInt32 = 0xFF

    var handle: UInt32 { id << 20 }
}

/// An address family's u32 priority, protocol and hash tables.
enum AddressFamily: CaseIterable, Sendable {
    case ipv4
    case ipv6

    var priority: UInt16 { self == .ipv4 ? 1 : 2 }
    var ethertype: UInt16 { self == .ipv4 ? 0x0800 : 0x86DD }

    func addressOffset(_ side: KeySide) -> Int { self == .ipv4 ? side.ipv4Offset : side.ipv6Offset }

    /// IPv4: hosts hashed on the last byte; /24.../31 hashed on the third byte (so many
    /// subscriber /30s or /29s never overflow one bucket); shorter prefixes in a linear list.
    /// IPv6: hosts hashed on the last byte; /64.../127 on byte 7 (the last byte of the /64),
    /// /56.../63 on byte 6 and /48.../55 on byte 5, so per-subscriber /64, /56 and /48
    /// delegations spread; shorter prefixes in a linear list. Link node ids give the walk
    /// order; the /56 and /48 tables came after the linear list and keep their place so
    /// that trees built before them are only completed, never renumbered.
    var tables: [HashTableSpec] { self == .ipv4 ? Self.ipv4Tables : Self.ipv6Tables }

    private static let ipv4Tables = [
        HashTableSpec(id: 0x1, divisor: 256, linkNode: 1, hashWordOffset: 0),
        HashTableSpec(id: 0x2, divisor: 256, linkNode: 2, hashWordOffset: 0, hashMask: 0xFF00),
        HashTableSpec(id: 0x3, divisor: 1, linkNode: 3, hashWordOffset: nil),
    ]
    private static let ipv6Tables = [
        HashTableSpec(id: 0x4, divisor: 256, linkNode: 1, hashWordOffset: 12),
        HashTableSpec(id: 0x5, divisor: 256, linkNode: 2, hashWordOffset: 4),
        HashTableSpec(id: 0x6, divisor: 1, linkNode: 3, hashWordOffset: nil),
        HashTableSpec(id: 0x7, divisor: 256, linkNode: 4, hashWordOffset: 4, hashMask: 0xFF00),
        HashTableSpec(id: 0x8, divisor: 256, linkNode: 5, hashWordOffset: 4, hashMask: 0xFF_0000),
    ]

    init(_ prefix: IPPrefix) { self = prefix.isIPv6 ? .ipv6 : .ipv4 }

    init?(ethertype: UInt16) {
        switch ethertype {
        case 0x0800: self = .ipv4
        case 0x86DD: self = .ipv6
        default: return nil
        }
    }

    /// Every table and bucket from which a filter for `prefix` classifies correctly, preferred
    /// first. A hashed table fits when the byte it hashes lies inside the prefix: every address
    /// the prefix covers then hashes to the same bucket. The preferred table hashes the last
    /// such byte (the one that varies most between subscribers); the others take the overflow
    /// of addresses that all end alike, such as `<subscriber's /64>::1` (see `FilterPlacement.choose`).
    /// Prefixes no hashed table fits go to the family's linear list.
    static func placements(of prefix: IPPrefix) -> [FilterPlacement] {
        let family = AddressFamily(prefix)
        let fitting = family.tables.compactMap { table -> (FilterPlacement, Int)? in
            guard let byte = table.hashedByte, prefix.length >= (byte + 1) * 8 else { return nil }
            return (FilterPlacement(table: table, bucket: UInt32(prefix.byte(byte))), byte)
        }
        guard !fitting.isEmpty else { return [FilterPlacement(table: family.tables.first { $0.divisor == 1 }!, bucket: 0)] }
        return fitting.sorted { $0.1 > $1.1 }.map(\.0)
    }
}

extension AddressFamily {
    /// Whether a filter for `prefix` in `table`'s `bucket` classifies correctly: one of
    /// `placements(of:)`, checked without building them (converge checks every filter).
    static func fits(_ prefix: IPPrefix, table id: UInt32, bucket: UInt32) -> Bool {
        let family = AddressFamily(prefix)
        guard let table = family.tables.first(where: { $0.id == id }) else { return false }
        guard let byte = table.hashedByte else {
            // The linear list: only for prefixes no hashed table fits.
            return bucket == 0 && !family.tables.contains { $0.hashedByte.map { prefix.length >= ($0 + 1) * 8 } ?? false }
        }
        return prefix.length >= (byte + 1) * 8 && bucket == UInt32(prefix.byte(byte))
    }
}

extension HashTableSpec {
    /// Index of the address byte the table hashes (nil for a linear list).
    var hashedByte: Int? {
        guard let word = hashWordOffset else { return nil }
        return word + 3 - hashMask.trailingZeroBitCount / 8
    }
}

/// The u32 hash table and bucket an address filter goes in.
struct FilterPlacement: Equatable, Sendable {
    var table: HashTableSpec
    var bucket: UInt32

    /// A bucket the kernel must walk for every packet that reaches it: above this many
    /// filters, new ones go to the next placement that has room (measured need: per-subscriber
    /// /64s whose hosts all end in ::1 put every host in one bucket of the host table).
    static let spillThreshold = 128

    /// The placements to try for a new filter, in order: the first of `candidates` (preferred
    /// first) whose bucket holds fewer than `spillThreshold` filters, then the others that are
    /// not full; when every bucket is past the threshold, the least full first. Full buckets
    /// (4095 filters) are left out, so an empty result means no room. `load` counts the
    /// filters in a candidate's bucket.
    static func choose(_ candidates: [FilterPlacement], load: (FilterPlacement) -> Int) -> [FilterPlacement] {
        let loads = candidates.map(load)
        if let first = candidates.indices.first(where: { loads[$0] < spillThreshold }) {
            return [candidates[first]] + candidates.indices.filter { $0 != first && loads[$0] < Int(Layout.maxNodeID) }.map { candidates[$0] }
        }
        return candidates.indices.filter { loads[$0] < Int(Layout.maxNodeID) }
            .sorted { (loads[$0], $0) < (loads[$1], $1) }.map { candidates[$0] }
    }
}
