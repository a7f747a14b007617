/// tierd's fixed kernel layout: handles, shard sizing, the classifier's filter priority.
///
/// Everything here is what lets tierd recognise its own tree after a restart (adoption)
/// without storing anything: the root handle marks ownership, the shard handles are fixed,
/// the classifier filters carry tierd's priority and name, and the user -> class mapping is
/// read back from the classifier's maps.
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
    /// Priority of tierd's classifier filters (clsact hooks and root HTBs): "qd" again, so
    /// `tc filter show` tells them apart and other filters keep their own priorities.
    static let filterPriority: UInt16 = 0x7164
    /// Handle of each classifier filter within its priority.
    static let filterHandle: UInt32 = 1

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

/// Which address of the packet a direction keys on: destination for download, source for upload.
enum KeySide: Sendable {
    case destination
    case source
}
