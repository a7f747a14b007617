/// Hands out the lowest free numbers of a range, skipping ones already taken.
///
/// Used for class minors per shard, leaf qdisc majors per device and u32 node ids per bucket.
/// Numbers of objects being deleted in the same batch stay taken, so a failed delete can
/// never make a create collide with it.
struct HandleAllocator {
    private var used: Set<UInt32>
    private var ranges: [ClosedRange<UInt32>]
    private var rangeIndex = 0
    private var cursor: UInt32
    /// Numbers given back by `release`, handed out again before the cursor moves on, so a
    /// long-lived allocator (the shaper's cached model) never rescans what it already passed.
    private var recycled: [UInt32] = []

    init(ranges: [ClosedRange<UInt32>], used: Set<UInt32>) {
        self.ranges = ranges
        self.used = used
        cursor = ranges.first?.lowerBound ?? 1
    }

    mutating func next() -> UInt32? {
        while let candidate = recycled.popLast() {
            if used.insert(candidate).inserted { return candidate }
        }
        while rangeIndex < ranges.count {
            let range = ranges[rangeIndex]
            while cursor <= range.upperBound {
                let candidate = cursor
                cursor += 1
                if !used.contains(candidate) {
                    used.insert(candidate)
                    return candidate
                }
            }
            rangeIndex += 1
            if rangeIndex < ranges.count { cursor = ranges[rangeIndex].lowerBound }
        }
        return nil
    }

    /// Gives `number` back once the kernel object holding it is gone.
    mutating func release(_ number: UInt32) {
        if used.remove(number) != nil { recycled.append(number) }
    }
}
