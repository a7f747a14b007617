/// tierd's tree on one device as last known: what lets a single user's change be sent to the
/// kernel without dumping it first.
///
/// A full converge dumps and diffs everything (O(users) in CPU and in netlink traffic); a tier
/// change of one user only needs that user's class, leaf and filters, plus free numbers for
/// anything new. This model holds exactly that, built from a dump (`init`) and updated by
/// every incremental change it plans. It is a cache, never the truth: the shaper drops it on
/// any kernel error, and the next full converge rebuilds it from the kernel.
struct DirectionModel {
    let device: Device
    let side: KeySide
    let leafKind: String

    /// user id -> class handle.
    private(set) var classOf: [String: UInt32] = [:]
    /// Addresses whose filters point at the user's class (the ones it won).
    private var addressesOf: [String: [IPPrefix]] = [:]
    private var ownerOf: [IPPrefix: String] = [:]
    /// Every class of the tree by handle (users' and orphans'), for in-place changes.
    private var classes: [UInt32: ClassState] = [:]
    /// Leaf qdisc handle of each user class.
    private var leafOf: [UInt32: UInt32] = [:]
    /// Address filters by qdisc and prefix (a list: stale duplicates are possible after drift).
    private var filters: [UInt32: [IPPrefix: [FilterState]]] = [:]
    /// Classes per shard (placement picks the least loaded).
    private var load = [Int](repeating: 0, count: Layout.maxShards)
    /// Shards whose class, inner qdisc, hash tables and links all exist.
    private var readyShards = Set<Int>()
    private var shardHasClass = Set<Int>()
    private var shardHasQdisc = Set<Int>()
    /// Structural filters (hash tables, links) per qdisc, to complete a half-built shard.
    private var structural: [UInt32: [FilterState]] = [:]
    private var minorsUsed: [Int: Set<UInt32>] = [:]
    private var minorAllocators: [Int: HandleAllocator] = [:]
    private var buckets: BucketNodes
    private var leafMajors: HandleAllocator
    /// How many ready classes to keep, and the ones there are (class and leaf, no filters):
    /// a newly throttled user takes one and only its rate changes (see
    /// `ShaperConfiguration.spareClasses`); an unthrottled user's class is parked here.
    let spareTarget: Int
    private(set) var spares: [UInt32] = []

    /// Builds the model from a dump; `wanted` (the desired state of that moment) names the users,
    /// mapped to classes exactly as `DirectionPlanner` keeps them. The other user classes are
    /// the ready ones.
    init(device: Device, side: KeySide, leafKind: String, state: DirectionState, wanted: [WantedClass], spares: Int = 0) {
        self.device = device
        self.side = side
        self.leafKind = leafKind
        spareTarget = spares
        leafMajors = HandleAllocator(ranges: Layout.leafMajors,
                                     used: Set(state.qdiscs.map { TCHandle.major($0.handle) }).union(Layout.reservedMajors))
        for item in state.classes where item.parent == Layout.rootHandle {
            if let index = Layout.shardIndex(ofClass: item.handle) { shardHasClass.insert(index) }
        }
        for qdisc in state.qdiscs where qdisc.kind == "htb" {
            if let index = Layout.shardIndex(ofInner: qdisc.handle), qdisc.parent == Layout.shardClass(index) {
                shardHasQdisc.insert(index)
            }
        }
        var userClasses = Set<UInt32>()
        for item in state.classes {
            guard let index = Layout.shardIndex(ofInner: item.handle) else { continue }
            minorsUsed[index, default: []].insert(TCHandle.minor(item.handle))
            classes[item.handle] = item
            if shardHasQdisc.contains(index) && item.parent == Layout.shardQdisc(index) {
                userClasses.insert(item.handle)
                load[index] += 1
            }
        }
        for qdisc in state.qdiscs where userClasses.contains(qdisc.parent) { leafOf[qdisc.parent] = qdisc.handle }
        buckets = BucketNodes(state.filters)
        var owner: [IPPrefix: UInt32] = [:]
        for filter in state.filters {
            guard case .address(let prefix) = filter.role else {
                structural[filter.parent, default: []].append(filter)
                continue
            }
            filters[filter.parent, default: [:]][prefix, default: []].append(filter)
            if let target = filter.target, userClasses.contains(target), Layout.shardIndex(ofInner: filter.parent) != nil,
               owner[prefix] == nil {
                owner[prefix] = target
            }
        }
        for index in shardHasClass.intersection(shardHasQdisc) {
            let qdisc = Layout.shardQdisc(index)
            if DirectionPlanner.structureRequests(device: device, side: side, qdisc: qdisc, existing: structural[qdisc] ?? []).isEmpty {
                readyShards.insert(index)
            }
        }
        // Users keep the class one of their addresses points to; each address belongs to the
        // first user whose class its inner filter targets.
        var claimed = Set<UInt32>()
        for user in wanted {
            guard let handle = user.addresses.lazy.compactMap({ owner[$0] }).first(where: { !claimed.contains($0) }) else { continue }
            claimed.insert(handle)
            classOf[user.user] = handle
            var mine: [IPPrefix] = []
            for prefix in user.addresses where owner[prefix] == handle && ownerOf[prefix] == nil {
                ownerOf[prefix] = user.user
                mine.append(prefix)
            }
            addressesOf[user.user] = mine
        }
        self.spares = userClasses.subtracting(claimed).sorted()
    }

    /// How many ready classes are missing.
    var spareDeficit: Int { max(0, spareTarget - spares.count) }

    /// Plans the requests that take `user` from its modelled state to `wanted` (nil: no class),
    /// and updates the model as if they succeed (the shaper drops the model when one fails).
    mutating func update(_ user: String, to wanted: WantedClass?, into plan: inout DirectionPlan) {
        guard let wanted else {
            remove(user, into: &plan)
            return
        }
        let handle: UInt32
        // The user's own class, else a ready one: either way only its rate changes, in place.
        if let existing = classOf[user] ?? spares.popLast() {
            handle = existing
            classOf[user] = handle
            let spec = ClassSpec.user(handle: handle, parent: TCHandle.make(TCHandle.major(handle), 0), rate: wanted.rate, mtu: device.mtu)
            if classes[handle].map({ !spec.matches($0) }) ?? true {
                plan.classChanges.append(TCRequests.putClass(device, spec, replace: true))
                classes[handle] = Self.state(of: spec)
            }
            if leafOf[handle] == nil { addLeaf(to: handle, into: &plan) }
        } else {
            guard let placed = place("user \(user)", rate: wanted.rate, into: &plan) else { return }
            classOf[user] = placed
            handle = placed
        }
        var seen = Set<IPPrefix>()
        let addresses = wanted.addresses.filter { seen.insert($0).inserted }
        let old = addressesOf[user] ?? []
        for prefix in old where !seen.contains(prefix) {
            deleteFilters(of: prefix, shard: handle, into: &plan)
            ownerOf[prefix] = nil
        }
        var mine = old.filter { seen.contains($0) }
        let kept = Set(mine)
        for prefix in addresses where !kept.contains(prefix) {
            if let other = ownerOf[prefix] {
                plan.errors.append(TrafficControlError(operation: "classify", object: "address \(prefix) on \(device.name)",
                                                       reason: "claimed by both \(other) and \(user); kept for \(other)"))
                continue
            }
            if addFilters(for: prefix, to: handle, into: &plan) {
                ownerOf[prefix] = user
                mine.append(prefix)
            }
        }
        addressesOf[user] = mine
    }

    /// Filters first (the kernel refuses to delete a class a filter points to), then the class;
    /// its leaf qdisc goes with it. While ready classes are missing, the class is kept as one.
    private mutating func remove(_ user: String, into plan: inout DirectionPlan) {
        guard let handle = classOf.removeValue(forKey: user) else { return }
        for prefix in addressesOf.removeValue(forKey: user) ?? [] {
            deleteFilters(of: prefix, shard: handle, into: &plan)
            ownerOf[prefix] = nil
        }
        if spares.count < spareTarget && leafOf[handle] != nil {
            spares.append(handle)
            return
        }
        let parent = TCHandle.make(TCHandle.major(handle), 0)
        plan.classDeletes.append(TCRequests.deleteClass(device, handle: handle, parent: parent))
        classes[handle] = nil
        if let leaf = leafOf.removeValue(forKey: handle) { leafMajors.release(TCHandle.major(leaf)) }
        if let index = Layout.shardIndex(ofInner: handle) {
            load[index] -= 1
            minorsUsed[index]?.remove(TCHandle.minor(handle))
            minorAllocators[index]?.release(TCHandle.minor(handle))
        }
    }

    /// Creates the missing ready classes (class and leaf each), as the planner places them.
    mutating func replenish(into plan: inout DirectionPlan) {
        while spares.count < spareTarget, let handle = place("ready class", rate: Layout.spareRate, into: &plan) {
            spares.append(handle)
        }
    }

    /// A new class on the least loaded of the shards the class count calls for (as the planner
    /// does). `object` names it in errors.
    private mutating func place(_ object: String, rate: UInt64, into plan: inout DirectionPlan) -> UInt32? {
        let shardCount = Layout.shardCount(forUsers: classOf.count + max(spares.count, spareTarget) + 1)
        var best = 0
        for index in 1..<shardCount where load[index] < load[best] { best = index }
        if minorAllocators[best] == nil {
            minorAllocators[best] = HandleAllocator(ranges: [1...0xFFFE], used: minorsUsed[best] ?? [])
        }
        guard let minor = minorAllocators[best]!.next() else {
            plan.errors.append(TrafficControlError(operation: "allocate class", object: "\(object) on \(device.name)",
                                                   reason: "shard \(best) has no free class id"))
            return nil
        }
        ensureShard(best, into: &plan)
        let handle = TCHandle.make(Layout.shardMajors[best], minor)
        minorsUsed[best, default: []].insert(minor)
        let spec = ClassSpec.user(handle: handle, parent: Layout.shardQdisc(best), rate: rate, mtu: device.mtu)
        plan.classCreates.append(TCRequests.putClass(device, spec, replace: false))
        classes[handle] = Self.state(of: spec)
        load[best] += 1
        addLeaf(to: handle, into: &plan)
        return handle
    }

    private mutating func addLeaf(to handle: UInt32, into plan: inout DirectionPlan) {
        guard let major = leafMajors.next() else {
            plan.errors.append(TrafficControlError(operation: "allocate qdisc", object: "leaf of class \(TCHandle.text(handle)) on \(device.name)",
                                                   reason: "no free qdisc handle"))
            return
        }
        let leaf = TCHandle.make(major, 0)
        plan.leafCreates.append(TCRequests.addQdisc(device, handle: leaf, parent: handle, kind: leafKind, replace: true))
        leafOf[handle] = leaf
    }

    /// Shard class, inner HTB and its hash tables/links, whichever are missing.
    private mutating func ensureShard(_ index: Int, into plan: inout DirectionPlan) {
        guard !readyShards.contains(index) else { return }
        let qdisc = Layout.shardQdisc(index)
        if !shardHasClass.contains(index) {
            plan.structure.append(TCRequests.putClass(device, ClassSpec.shard(index, mtu: device.mtu), replace: false))
        }
        if !shardHasQdisc.contains(index) {
            plan.structure.append(TCRequests.addQdisc(device, handle: qdisc, parent: Layout.shardClass(index), kind: "htb",
                                                      replace: shardHasClass.contains(index)))
            structural[qdisc] = []
        }
        plan.structure += DirectionPlanner.structureRequests(device: device, side: side, qdisc: qdisc, existing: structural[qdisc] ?? [])
        shardHasClass.insert(index)
        shardHasQdisc.insert(index)
        readyShards.insert(index)
    }

    /// Root filter -> shard class and inner filter -> user class for `prefix`, replacing any
    /// stale filter for it; false when no node id is free.
    private mutating func addFilters(for prefix: IPPrefix, to handle: UInt32, into plan: inout DirectionPlan) -> Bool {
        guard let index = Layout.shardIndex(ofInner: handle) else { return false }
        let priority = AddressFamily(prefix).priority
        for (qdisc, target) in [(Layout.rootHandle, Layout.shardClass(index)), (Layout.shardQdisc(index), handle)] {
            let existing = filters[qdisc]?[prefix] ?? []
            if existing.count == 1, existing[0].target == target, existing[0].priority == priority,
               AddressFamily.fits(prefix, table: existing[0].handle >> 20, bucket: (existing[0].handle >> 12) & 0xFF) {
                continue
            }
            for filter in existing { deleteFilter(filter, into: &plan) }
            filters[qdisc]?[prefix] = nil
            guard let (placement, node) = buckets.take(prefix, on: qdisc) else {
                let candidates = AddressFamily.placements(of: prefix)
                plan.errors.append(TrafficControlError(operation: "create filter", object: "\(prefix) (qdisc \(TCHandle.text(qdisc))) on \(device.name)",
                                                       reason: "u32 bucket \(candidates[0].bucket) of table \(String(candidates[0].table.id, radix: 16)): is full (4095 filters)\(candidates.count > 1 ? ", and so are the other buckets it fits" : "")"))
                return false
            }
            let filterHandle = (placement.table.id << 20) | (placement.bucket << 12) | node
            plan.filterCreates.append(TCRequests.addAddressFilter(device, parent: qdisc, prefix: prefix, side: side,
                                                                  handle: filterHandle, target: target))
            let family = AddressFamily(prefix)
            filters[qdisc, default: [:]][prefix] = [FilterState(parent: qdisc, priority: priority, proto: family.ethertype, handle: filterHandle,
                                                                role: .address(prefix), target: target, redirectIfindex: nil)]
        }
        return true
    }

    /// Deletes the root and inner filters of `prefix` (the inner ones of `handle`'s shard).
    private mutating func deleteFilters(of prefix: IPPrefix, shard handle: UInt32, into plan: inout DirectionPlan) {
        for qdisc in [Layout.rootHandle, TCHandle.make(TCHandle.major(handle), 0)] {
            for filter in filters[qdisc]?.removeValue(forKey: prefix) ?? [] { deleteFilter(filter, into: &plan) }
        }
    }

    private mutating func deleteFilter(_ filter: FilterState, into plan: inout DirectionPlan) {
        plan.filterDeletes.append(TCRequests.deleteFilter(device, filter))
        buckets.release(filter)
    }

    private static func state(of spec: ClassSpec) -> ClassState {
        ClassState(handle: spec.handle, parent: spec.parent, rate: spec.rate, ceil: spec.ceil, burst: spec.burst,
                   cburst: spec.burst, quantum: spec.quantum)
    }
}
