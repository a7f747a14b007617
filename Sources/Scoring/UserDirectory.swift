/// Interns user ids: maps an id to its dense slot in the engine's record array.
///
/// Hand-written instead of `Dictionary<String, Int32>` because the lookup is the hottest
/// path of the core (every feed event) and is bound by cache misses: the standard
/// dictionary touches its bitmap, key array and value array (three misses) and hashes with
/// SipHash. This table keeps one 8-byte word per bucket (32-bit hash fingerprint + slot),
/// so a lookup costs one miss here plus the record itself, where the id is compared.
/// Linear probing, load factor <= 1/2, tombstones on removal (users-file reloads only).
struct UserDirectory: Sendable {
    private static let empty: UInt64 = 0
    private static let tombstone: UInt64 = .max

    private var buckets: [UInt64]
    private var mask: Int
    private var tombstones = 0
    private let seed: UInt64
    private(set) var count = 0

    init(capacity: Int = 0, seed: UInt64 = UInt64.random(in: .min ... .max)) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        buckets = Array(repeating: Self.empty, count: size)
        mask = size - 1
        self.seed = seed
    }

    /// The slot of `id`, given a way to read the id stored at a slot.
    @inline(__always)
    func slot(of id: String, idAt: (Int) -> String) -> Int? {
        let hash = Self.hash(id, seed: seed)
        let fingerprint = hash >> 32
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = buckets[bucket]
            if entry == Self.empty { return nil }
            if entry != Self.tombstone, entry >> 32 == fingerprint {
                let slot = Int(entry & 0xFFFF_FFFF) - 1
                if idAt(slot) == id { return slot }
            }
            bucket = (bucket + 1) & mask
        }
    }

    /// The hash the table uses for `id` (first step of a pipelined lookup).
    @inline(__always)
    func hash(of id: String) -> UInt64 { Self.hash(id, seed: seed) }

    /// The entry in `hash`'s home bucket (second step): loading these for several ids in a
    /// row lets their cache misses overlap.
    @inline(__always)
    func homeEntry(for hash: UInt64) -> UInt64 {
        buckets[Int(truncatingIfNeeded: hash) & mask]
    }

    /// The slot the home entry points at if its fingerprint matches (a candidate the
    /// caller can touch early), else nil.
    @inline(__always)
    func candidate(hash: UInt64, homeEntry entry: UInt64) -> Int? {
        guard entry != Self.empty, entry != Self.tombstone, entry >> 32 == hash >> 32 else { return nil }
        return Int(entry & 0xFFFF_FFFF) - 1
    }

    /// Final step: the slot of `id`, confirming the candidate or probing further.
    @inline(__always)
    func slot(of id: String, hash: UInt64, candidate: Int?, idAt: (Int) -> String) -> Int? {
        if let candidate, idAt(candidate) == id { return candidate }
        let fingerprint = hash >> 32
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = buckets[bucket]
            if entry == Self.empty { return nil }
            if entry != Self.tombstone, entry >> 32 == fingerprint {
                let slot = Int(entry & 0xFFFF_FFFF) - 1
                if slot != candidate, idAt(slot) == id { return slot }
            }
            bucket = (bucket + 1) & mask
        }
    }

    /// Records `id` at `slot`; the id must not be present. `idAt` reads the ids already
    /// stored, for re-placing them when the table grows.
    mutating func insert(_ id: String, slot: Int, idAt: (Int) -> String) {
        if (count + tombstones + 1) * 2 > buckets.count { rehash(minimumCapacity: count + 1, idAt: idAt) }
        place(Self.hash(id, seed: seed), slot: slot)
        count += 1
    }

    /// Forgets `id`, which must be present at `slot`.
    mutating func remove(_ id: String, slot: Int) {
        let hash = Self.hash(id, seed: seed)
        let wanted = (hash >> 32) << 32 | UInt64(slot + 1)
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while buckets[bucket] != Self.empty {
            if buckets[bucket] == wanted {
                buckets[bucket] = Self.tombstone
                tombstones += 1
                count -= 1
                return
            }
            bucket = (bucket + 1) & mask
        }
    }

    private mutating func place(_ hash: UInt64, slot: Int) {
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while buckets[bucket] != Self.empty && buckets[bucket] != Self.tombstone {
            bucket = (bucket + 1) & mask
        }
        if buckets[bucket] == Self.tombstone { tombstones -= 1 }
        buckets[bucket] = (hash >> 32) << 32 | UInt64(slot + 1)
    }

    /// Grows (or just cleans tombstones out of) the table; the bucket position needs the
    /// full hash, so ids are re-read through `idAt` and re-hashed.
    private mutating func rehash(minimumCapacity: Int, idAt: (Int) -> String) {
        var size = 16
        while size < minimumCapacity * 2 + 2 { size *= 2 }
        let old = buckets
        buckets = Array(repeating: Self.empty, count: max(size, old.count))
        mask = buckets.count - 1
        tombstones = 0
        for entry in old where entry != Self.empty && entry != Self.tombstone {
            let slot = Int(entry & 0xFFFF_FFFF) - 1
            place(Self.hash(idAt(slot), seed: seed), slot: slot)
        }
    }

    /// A fast 64-bit hash of the id's UTF-8 bytes (multiply-xorshift over 8-byte words).
    /// Ids come from the operator's users file, and the seed is random per process, so
    /// SipHash's flooding resistance is not needed here.
    @inline(__always)
    static func hash(_ id: String, seed: UInt64) -> UInt64 {
        var id = id
        return id.withUTF8 { bytes -> UInt64 in
            var h = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
            var offset = 0
            let raw = UnsafeRawBufferPointer(bytes)
            while offset + 8 <= raw.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                offset += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < raw.count {
                tail |= UInt64(raw[offset]) << shift
                shift += 8
                offset += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
            h = h &* 0xBF58_476D_1CE4_E5B9
            return h ^ (h >> 32)
        }
    }
}
