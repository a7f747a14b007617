/// tierd's tree on one device, modelled: the one place that decides what to create, change
/// and delete, for a whole converge and for a single user's change alike.
///
/// Built from a kernel dump (`init`), it maps each wanted user to the class its addresses'
/// map entries already point to (so a restart adopts everything and a re-tiered user keeps
/// its class). `converge` plans the full difference to a desired state; `update` plans one
/// user's change without any dump; both go through the same placement, class, leaf and entry
/// rules below. The model is updated as if every planned change succeeds: the shaper drops
/// it on any kernel refusal and the next converge rebuilds it from the kernel.
struct DirectionEngine {
    let device: Device
    let side: KeySide
    let leafKind: String
    /// How many ready classes to keep (see `ShaperConfiguration.spareClasses`).
    let spareTarget: Int

    /// user id -> class handle.
    private(set) var classOf: [String: UInt32] = [:]
    /// The addresses bound to each user's class (the ones it won).
    private var addressesOf: [String: [IPPrefix]] = [:]
    private var ownerOf: [IPPrefix: String] = [:]
    /// The direction's map entries as the kernel has them once the plans so far are applied.
    private var entries: [IPPrefix: UInt32]
    /// Every class of the tree by handle, for in-place changes.
    private var classes: [UInt32: ClassState] = [:]
    /// Leaf qdisc of each user class.
    private var leafOf: [UInt32: QdiscState] = [:]
    /// Classes per shard (placement picks the least loaded).
    private var load = [Int](repeating: 0, count: Layout.maxShards)
    private var shardHasClass = Set<Int>()
    private var shardHasQdisc = Set<Int>()
    private var minorsUsed: [Int: Set<UInt32>] = [:]
    private var minorAllocators: [Int: HandleAllocator] = [:]
    private var leafMajors: HandleAllocator
    /// Ready classes: class and leaf, no user. A newly throttled user takes one and only its
    /// rate changes; an unthrottled user's class is parked here while some are missing.
    private(set) var spares: [UInt32] = []
    /// Filters on the tree's qdiscs other than tierd's root classifier (deleted by `converge`).
    private var leftoverFilters: [FilterState] = []
    /// How many users the current plan is for: new shards are opened for that many up front,
    /// so a cold build spreads users at once instead of filling shard 0 first.
    private var expectedUsers = 0

    init(device: Device, side: KeySide, leafKind: String, state: DirectionState, wanted: [WantedClass], spares: Int = 0) {
        self.device = device
        self.side = side
        self.leafKind = leafKind
        spareTarget = spares
        entries = state.entries
        leafMajors = HandleAllocator(ranges: Layout.leafMajors,
                                     used: Set(state.qdiscs.map { TCHandle.major($0.handle) }).union(Layout.reservedMajors))
        for item in state.classes where item.parent == Layout.rootHandle {
            if let index = Layout.shardIndex(ofClass: item.handle) { shardHasClass.insert(index) }
        }
        for qdisc in state.qdiscs where qdisc.kind == "htb" && TCHandle.minor(qdisc.handle) == 0 {
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
        for qdisc in state.qdiscs where userClasses.contains(qdisc.parent) { leafOf[qdisc.parent] = qdisc }
        leftoverFilters = state.filters.filter { !($0.isTierd && $0.parent == Layout.rootHandle) }
        // Users keep the class one of their addresses points to; each address belongs to the
        // first user whose class its entry names. Without entries, the inner u32 filters of
        // tierd's earlier layout say the same (an upgrade keeps every class).
        var legacy: [IPPrefix: UInt32] = [:]
        for filter in state.filters where filter.kind == "u32" && Layout.shardIndex(ofInner: filter.parent) != nil {
            if let prefix = filter.legacyPrefix, let target = filter.classid, legacy[prefix] == nil { legacy[prefix] = target }
        }
        var claimed = Set<UInt32>()
        for user in wanted {
            guard let handle = user.addresses.lazy.compactMap({ state.entries[$0] ?? legacy[$0] })
                .first(where: { userClasses.contains($0) && !claimed.contains($0) }) else { continue }
            claimed.insert(handle)
            classOf[user.user] = handle
            var mine: [IPPrefix] = []
            for prefix in user.addresses where state.entries[prefix] == handle && ownerOf[prefix] == nil {
                ownerOf[prefix] = user.user
                mine.append(prefix)
            }
            addressesOf[user.user] = mine
        }
        self.spares = userClasses.subtracting(claimed).sorted().reversed()
    }

    /// How many ready classes are missing.
    var spareDeficit: Int { max(0, spareTarget - spares.count) }

    // MARK: whole tree

    /// Plans everything that differs from `wanted`: users that go, users that come or change,
    /// entries nobody owns, ready classes beyond the target or missing, wrong leaves, and
    /// filters that are not tierd's. With an unchanged input the plan is empty.
    mutating func converge(_ wanted: [WantedClass], into plan: inout DirectionPlan) {
        expectedUsers = wanted.count
        defer { expectedUsers = 0 }
        let wantedIDs = Set(wanted.map(\.user))
        for user in classOf.keys.sorted() where !wantedIDs.contains(user) { update(user, to: nil, into: &plan) }
        // Addresses a user no longer has are released first, so that one moving to another
        // user within this plan is not reported as claimed twice.
        for user in wanted {
            guard let old = addressesOf[user.user] else { continue }
            let keep = Set(user.addresses)
            for prefix in old where !keep.contains(prefix) { unbind(prefix, into: &plan) }
            addressesOf[user.user] = old.filter(keep.contains)
        }
        for user in wanted { update(user.user, to: user, into: &plan) }
        for (prefix, _) in entries where ownerOf[prefix] == nil { unbind(prefix, into: &plan) }
        // Ready classes: the lowest handles are kept (popLast takes from the end).
        spares.sort(by: >)
        while spares.count > spareTarget { deleteClass(spares.removeFirst(), into: &plan) }
        for handle in spares {
            makeReady(handle, into: &plan)
            if !leafIsRight(handle) { addLeaf(to: handle, into: &plan) }
        }
        replenish(into: &plan)
        let leftovers = Set(leftoverFilters.map { FilterKey(parent: $0.parent, priority: $0.priority, proto: $0.proto) })
        for key in leftovers.sorted() {
            plan.filterDeletes.append(TCRequests.deleteFilters(device, parent: key.parent, priority: key.priority, proto: key.proto))
        }
        leftoverFilters = []
    }

    // MARK: one user

    /// Plans the changes that take `user` from its modelled state to `wanted` (nil: no class).
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
            if !leafIsRight(handle) { addLeaf(to: handle, into: &plan) }
        } else {
            guard let placed = place("user \(user)", rate: wanted.rate, into: &plan) else { return }
            classOf[user] = placed
            handle = placed
        }
        var seen = Set<IPPrefix>()
        let addresses = wanted.addresses.filter { seen.insert($0).inserted }
        let old = addressesOf[user] ?? []
        for prefix in old where !seen.contains(prefix) { unbind(prefix, into: &plan) }
        var mine = old.filter { seen.contains($0) }
        let kept = Set(mine)
        for prefix in addresses {
            if kept.contains(prefix) {
                if entries[prefix] != handle { bind(prefix, to: handle, into: &plan) }  // an entry altered by hand
                continue
            }
            if let other = ownerOf[prefix] {
                plan.errors.append(TrafficControlError(operation: "classify", object: "address \(prefix) on \(device.name)",
                                                       reason: "claimed by both \(other) and \(user); kept for \(other)"))
                continue
            }
            ownerOf[prefix] = user
            bind(prefix, to: handle, into: &plan)
            mine.append(prefix)
        }
        addressesOf[user] = mine
    }

    /// Unbinds the user's addresses, then parks its class as a ready one while some are
    /// missing, or deletes it (its leaf goes with it).
    private mutating func remove(_ user: String, into plan: inout DirectionPlan) {
        guard let handle = classOf.removeValue(forKey: user) else { return }
        for prefix in addressesOf.removeValue(forKey: user) ?? [] { unbind(prefix, into: &plan) }
        if spares.count < spareTarget && leafOf[handle] != nil {
            spares.append(handle)
            makeReady(handle, into: &plan)
            return
        }
        deleteClass(handle, into: &plan)
    }

    /// Creates the missing ready classes (class and leaf each), placed like users.
    mutating func replenish(into plan: inout DirectionPlan) {
        while spares.count < spareTarget, let handle = place("ready class", rate: Layout.spareRate, into: &plan) {
            spares.insert(handle, at: 0)
        }
    }

    // MARK: building blocks

    /// Sets a ready class to the shard rate, in place, so that one parked after its user
    /// left is never mistaken in `tc class show` for a tier's class (and would pass traffic
    /// unshaped, fail open, should any ever reach it).
    private mutating func makeReady(_ handle: UInt32, into plan: inout DirectionPlan) {
        let spec = ClassSpec.user(handle: handle, parent: TCHandle.make(TCHandle.major(handle), 0), rate: Layout.spareRate, mtu: device.mtu)
        guard classes[handle].map({ !spec.matches($0) }) ?? true else { return }
        plan.classChanges.append(TCRequests.putClass(device, spec, replace: true))
        classes[handle] = Self.state(of: spec)
    }

    private mutating func bind(_ prefix: IPPrefix, to handle: UInt32, into plan: inout DirectionPlan) {
        entries[prefix] = handle
        plan.entryChanges[prefix] = .some(handle)
    }

    private mutating func unbind(_ prefix: IPPrefix, into plan: inout DirectionPlan) {
        ownerOf[prefix] = nil
        guard entries.removeValue(forKey: prefix) != nil || plan.entryChanges[prefix] != nil else { return }
        plan.entryChanges[prefix] = .some(nil)
    }

    private mutating func deleteClass(_ handle: UInt32, into plan: inout DirectionPlan) {
        plan.classDeletes.append(TCRequests.deleteClass(device, handle: handle, parent: TCHandle.make(TCHandle.major(handle), 0)))
        classes[handle] = nil
        if let leaf = leafOf.removeValue(forKey: handle) { leafMajors.release(TCHandle.major(leaf.handle)) }
        if let index = Layout.shardIndex(ofInner: handle) {
            load[index] -= 1
            minorsUsed[index]?.remove(TCHandle.minor(handle))
            minorAllocators[index]?.release(TCHandle.minor(handle))
        }
    }

    /// A new class on the least loaded of the shards the class count calls for. `object`
    /// names it in errors.
    private mutating func place(_ object: String, rate: UInt64, into plan: inout DirectionPlan) -> UInt32? {
        let classCount = max(expectedUsers + spareTarget, classOf.count + max(spares.count, spareTarget) + 1)
        let shardCount = Layout.shardCount(forUsers: classCount)
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

    private func leafIsRight(_ handle: UInt32) -> Bool {
        guard let leaf = leafOf[handle] else { return false }
        return leaf.kind == leafKind && (leaf.limit == nil || leaf.limit == Layout.fifoLimit)
    }

    /// A leaf of the detected kind, grafted over whatever leaf the class has.
    private mutating func addLeaf(to handle: UInt32, into plan: inout DirectionPlan) {
        guard let major = leafMajors.next() else {
            plan.errors.append(TrafficControlError(operation: "allocate qdisc", object: "leaf of class \(TCHandle.text(handle)) on \(device.name)",
                                                   reason: "no free qdisc handle"))
            return
        }
        let leaf = TCHandle.make(major, 0)
        plan.leafCreates.append(TCRequests.addQdisc(device, handle: leaf, parent: handle, kind: leafKind, replace: true))
        if let old = leafOf[handle] { leafMajors.release(TCHandle.major(old.handle)) }
        leafOf[handle] = QdiscState(handle: leaf, parent: handle, kind: leafKind, limit: leafKind == "pfifo" ? Layout.fifoLimit : nil)
    }

    /// Shard class and inner HTB, whichever are missing.
    private mutating func ensureShard(_ index: Int, into plan: inout DirectionPlan) {
        if !shardHasClass.contains(index) {
            plan.structure.append(TCRequests.putClass(device, ClassSpec.shard(index, mtu: device.mtu), replace: false))
        }
        if !shardHasQdisc.contains(index) {
            plan.structure.append(TCRequests.addQdisc(device, handle: Layout.shardQdisc(index), parent: Layout.shardClass(index), kind: "htb",
                                                      replace: shardHasClass.contains(index)))
        }
        shardHasClass.insert(index)
        shardHasQdisc.insert(index)
    }

    private static func state(of spec: ClassSpec) -> ClassState {
        ClassState(handle: spec.handle, parent: spec.parent, rate: spec.rate, ceil: spec.ceil, burst: spec.burst,
                   cburst: spec.burst, quantum: spec.quantum)
    }
}

/// A filter priority on one qdisc: what one delete request removes.
private struct FilterKey: Hashable, Comparable {
    var parent: UInt32
    var priority: UInt16
    var proto: UInt16

    static func < (lhs: FilterKey, rhs: FilterKey) -> Bool {
        (lhs.parent, lhs.priority, lhs.proto) < (rhs.parent, rhs.priority, rhs.proto)
    }
}
