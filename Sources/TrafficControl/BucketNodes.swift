/// The u32 node ids in use in each bucket of one device's tree, and where a new address filter
/// goes: shared by `DirectionPlanner` (a whole diff) and `DirectionModel` (one user's change),
/// so both place and number filters by the same rule (`FilterPlacement.choose`).
struct BucketNodes {
    private var used: [BucketKey: Set<UInt32>] = [:]
    private var allocators: [BucketKey: HandleAllocator] = [:]

    /// From the tree's filters (root-table nodes, ids 0x800 and up, are not in buckets).
    init(_ filters: [FilterState]) {
        for filter in filters where filter.handle >> 20 < 0x800 { used[Self.key(of: filter), default: []].insert(filter.handle & 0xFFF) }
    }

    /// A placement and node id for a new filter for `prefix` on `qdisc`, taken; nil when
    /// every bucket it fits is full.
    mutating func take(_ prefix: IPPrefix, on qdisc: UInt32) -> (FilterPlacement, UInt32)? {
        let choices = FilterPlacement.choose(AddressFamily.placements(of: prefix)) {
            used[BucketKey(qdisc: qdisc, table: $0.table.id, bucket: $0.bucket)]?.count ?? 0
        }
        for placement in choices {
            let key = BucketKey(qdisc: qdisc, table: placement.table.id, bucket: placement.bucket)
            if allocators[key] == nil { allocators[key] = HandleAllocator(ranges: [1...Layout.maxNodeID], used: used[key] ?? []) }
            if let node = allocators[key]!.next() {
                used[key, default: []].insert(node)
                return (placement, node)
            }
        }
        return nil
    }

    /// Frees a deleted filter's node id for later filters.
    mutating func release(_ filter: FilterState) {
        let key = Self.key(of: filter)
        used[key]?.remove(filter.handle & 0xFFF)
        allocators[key]?.release(filter.handle & 0xFFF)
    }

    private static func key(of filter: FilterState) -> BucketKey {
        BucketKey(qdisc: filter.parent, table: filter.handle >> 20, bucket: (filter.handle >> 12) & 0xFF)
    }
}
