/// One user's wanted class in one direction.
struct WantedClass: Sendable {
    var user: String
    var addresses: [IPPrefix]
    /// bit/s
    var rate: UInt64
}

/// The requests that take one device from its actual state to the wanted one, in a safe order.
struct DirectionPlan {
    var filterDeletes: [NetlinkRequest] = []
    var classDeletes: [NetlinkRequest] = []
    var classChanges: [NetlinkRequest] = []
    var structure: [NetlinkRequest] = []
    var classCreates: [NetlinkRequest] = []
    var leafCreates: [NetlinkRequest] = []
    var filterCreates: [NetlinkRequest] = []
    var shardsCreated = 0
    /// Ready classes (class and leaf, no filters) the plan keeps or creates.
    var spares: [UInt32] = []
    /// user id -> class handle, for counters.
    var assignment: [String: UInt32] = [:]
    var errors: [TrafficControlError] = []

    /// Delete filters before the classes they point to; create a class, then its leaf, then filters.
    var ordered: [NetlinkRequest] {
        filterDeletes + classDeletes + classChanges + structure + classCreates + leafCreates + filterCreates
    }

    func count(into report: inout ConvergeReport) {
        report.filtersDeleted += filterDeletes.count
        report.classesDeleted += classDeletes.count
        report.classesChanged += classChanges.count
        report.classesCreated += classCreates.count
        report.qdiscsCreated += leafCreates.count
        for request in structure {
            switch request.operation {
            case "create class": report.classesCreated += 1
            case "create qdisc", "replace qdisc": report.qdiscsCreated += 1
            default: report.filtersCreated += 1
            }
        }
        report.filtersCreated += filterCreates.count
    }
}

/// Computes the difference between tierd's wanted tree on one device and what the kernel has.
///
/// Stable by construction: a user keeps the class its filters already point to (so re-tiering
/// is an in-place change and a restart adopts everything), new users go to the least loaded
/// shard, and nothing that already matches is touched.
///
/// Ready classes (`spares`): a user class no filter points to is not deleted while fewer than
/// `spares` are kept; missing ones are created, after the users. See `ShaperConfiguration.spareClasses`.
struct DirectionPlanner {
    let device: Device
    let side: KeySide
    let leafKind: String
    let actual: DirectionState
    var spares = 0

    func plan(_ wanted: [WantedClass]) -> DirectionPlan {
        var plan = DirectionPlan()
        let classes = Dictionary(actual.classes.map { ($0.handle, $0) }, uniquingKeysWith: { first, _ in first })
        let leafByParent = Dictionary(actual.qdiscs.map { ($0.parent, $0) }, uniquingKeysWith: { first, _ in first })
        var filtersByQdisc: [UInt32: [FilterState]] = [:]
        for filter in actual.filters { filtersByQdisc[filter.parent, default: []].append(filter) }

        let (shardHasClass, shardHasQdisc) = existingShards()

        // User classes in tierd's shards, and which address points to which of them.
        let userClasses = actual.classes.filter { state in
            guard let index = Layout.shardIndex(ofInner: state.handle) else { return false }
            return shardHasQdisc.contains(index) && state.parent == Layout.shardQdisc(index)
        }
        let userClassHandles = Set(userClasses.map(\.handle))
        var owner: [IPPrefix: UInt32] = [:]
        for filter in actual.filters {
            guard case .address(let prefix) = filter.role, let target = filter.target,
                  userClassHandles.contains(target), Layout.shardIndex(ofInner: filter.parent) != nil else { continue }
            if owner[prefix] == nil { owner[prefix] = target }
        }

        // 1. Keep each user's existing class when one of its addresses points to it.
        var claimed: [UInt32: String] = [:]
        var handleOf: [Int: UInt32] = [:]
        for (position, user) in wanted.enumerated() {
            for prefix in user.addresses {
                if let handle = owner[prefix], claimed[handle] == nil {
                    claimed[handle] = user.user
                    handleOf[position] = handle
                    break
                }
            }
        }

        // Ready classes kept: the unclaimed ones, lowest handles first, up to `spares`.
        let keptSpares = Array(userClasses.map(\.handle).filter { claimed[$0] == nil }.sorted().prefix(spares))

        // 2. Place new users on the least loaded of the shards their number calls for.
        let shardCount = Layout.shardCount(forUsers: wanted.count + spares)
        var load = [Int](repeating: 0, count: Layout.maxShards)
        for handle in Array(handleOf.values) + keptSpares { if let index = Layout.shardIndex(ofInner: handle) { load[index] += 1 } }
        var minorAllocators: [Int: HandleAllocator] = [:]
        var minorsUsed: [Int: Set<UInt32>] = [:]
        for state in actual.classes {
            if let index = Layout.shardIndex(ofInner: state.handle) { minorsUsed[index, default: []].insert(TCHandle.minor(state.handle)) }
        }
        func placeNew(_ object: String) -> UInt32? {
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
            load[best] += 1
            return TCHandle.make(Layout.shardMajors[best], minor)
        }
        for position in wanted.indices where handleOf[position] == nil {
            handleOf[position] = placeNew("user \(wanted[position].user)")
        }
        var newSpares: [UInt32] = []
        while keptSpares.count + newSpares.count < spares, let handle = placeNew("ready class") { newSpares.append(handle) }
        plan.spares = keptSpares + newSpares

        // 3. Shards needed by placed users but missing: class, inner qdisc, hash tables.
        let neededShards = Set((Array(handleOf.values) + plan.spares).compactMap { Layout.shardIndex(ofInner: $0) })
        for index in neededShards.sorted() {
            if !shardHasClass.contains(index) {
                plan.structure.append(TCRequests.putClass(device, ClassSpec.shard(index, mtu: device.mtu), replace: false))
            }
            if !shardHasQdisc.contains(index) {
                plan.structure.append(TCRequests.addQdisc(device, handle: Layout.shardQdisc(index), parent: Layout.shardClass(index), kind: "htb",
                                                          replace: shardHasClass.contains(index)))
                plan.shardsCreated += 1
            }
        }
        // Hash tables and links of the root and of every inner qdisc (created or repaired).
        var treeQdiscs = [Layout.rootHandle]
        treeQdiscs += Set(neededShards).union(shardHasQdisc).sorted().map { Layout.shardQdisc($0) }
        for qdisc in treeQdiscs {
            plan.structure += structureRequests(qdisc: qdisc, existing: filtersByQdisc[qdisc] ?? [])
        }

        // 4. Classes: create, change in place, and give each a leaf of the detected kind.
        let usedMajors = Set(actual.qdiscs.map { TCHandle.major($0.handle) }).union(Layout.reservedMajors)
        var leafMajors = HandleAllocator(ranges: Layout.leafMajors, used: usedMajors)
        var wantedClasses = Set<UInt32>()
        // Users, then ready classes: a kept one is left at whatever rate it has (no traffic
        // reaches it), a new one gets `Layout.spareRate`.
        let classList = wanted.indices.compactMap { position in handleOf[position].map { ($0, wanted[position].rate, Optional(wanted[position].user)) } }
            + keptSpares.map { ($0, classes[$0]?.rate ?? Layout.spareRate, String?.none) }
            + newSpares.map { ($0, Layout.spareRate, String?.none) }
        for (handle, rate, user) in classList {
            guard let index = Layout.shardIndex(ofInner: handle) else { continue }
            wantedClasses.insert(handle)
            if let user { plan.assignment[user] = handle }
            let spec = ClassSpec.user(handle: handle, parent: Layout.shardQdisc(index), rate: rate, mtu: device.mtu)
            if let existing = classes[handle], userClassHandles.contains(handle) {
                if user != nil && !spec.matches(existing) { plan.classChanges.append(TCRequests.putClass(device, spec, replace: true)) }
            } else {
                plan.classCreates.append(TCRequests.putClass(device, spec, replace: false))
            }
            let leaf = userClassHandles.contains(handle) ? leafByParent[handle] : nil
            let leafOK = leaf.map { $0.kind == leafKind && ($0.limit == nil || $0.limit == Layout.fifoLimit) } ?? false
            if !leafOK {
                guard let major = leafMajors.next() else {
                    plan.errors.append(TrafficControlError(operation: "allocate qdisc", object: "leaf of class \(TCHandle.text(handle)) on \(device.name)",
                                                           reason: "no free qdisc handle"))
                    continue
                }
                plan.leafCreates.append(TCRequests.addQdisc(device, handle: TCHandle.make(major, 0), parent: handle, kind: leafKind,
                                                            replace: true))
            }
        }

        // 5. Filters: root -> shard class, inner -> user class; keep exact matches only.
        // In the order of `wanted` (users, then their addresses): where a bucket overflows into
        // another placement, which filters spill must not depend on dictionary order.
        var wantedFilters: [UInt32: [(prefix: IPPrefix, target: UInt32)]] = [:]
        var addressUser: [IPPrefix: String] = [:]
        addressUser.reserveCapacity(wanted.count)
        for (position, user) in wanted.enumerated() {
            guard let handle = handleOf[position], let index = Layout.shardIndex(ofInner: handle) else { continue }
            for prefix in user.addresses {
                if let other = addressUser[prefix] {
                    if other != user.user {
                        plan.errors.append(TrafficControlError(operation: "classify", object: "address \(prefix) on \(device.name)",
                                                               reason: "claimed by both \(other) and \(user.user); kept for \(other)"))
                    }
                    continue
                }
                addressUser[prefix] = user.user
                wantedFilters[Layout.rootHandle, default: []].append((prefix, Layout.shardClass(index)))
                wantedFilters[Layout.shardQdisc(index), default: []].append((prefix, handle))
            }
        }
        // Node ids in use per bucket (those this plan deletes included: their ids are not reused
        // in the same batch), only gathered when a filter is to be created.
        var buckets: BucketNodes?
        func placeNewFilter(_ prefix: IPPrefix, on qdisc: UInt32) -> (FilterPlacement, UInt32)? {
            if buckets == nil { buckets = BucketNodes(actual.filters) }
            return buckets!.take(prefix, on: qdisc)
        }
        let qdiscsWithFilters = Set(wantedFilters.keys).union(filtersByQdisc.keys)
        for qdisc in qdiscsWithFilters.sorted() {
            // The first filter per prefix, and any more (stale duplicates after drift) apart.
            var actualByPrefix: [IPPrefix: FilterState] = [:]
            var duplicates: [FilterState] = []
            for filter in filtersByQdisc[qdisc] ?? [] {
                guard case .address(let prefix) = filter.role else { continue }
                if actualByPrefix.updateValue(filter, forKey: prefix) != nil { duplicates.append(filter) }
            }
            let duplicated = Set(duplicates.compactMap { if case .address(let prefix) = $0.role { prefix } else { nil } })
            for (prefix, target) in wantedFilters[qdisc] ?? [] {
                let existing = actualByPrefix.removeValue(forKey: prefix)
                if let existing, !duplicated.contains(prefix), existing.target == target,
                   existing.priority == AddressFamily(prefix).priority,
                   AddressFamily.fits(prefix, table: existing.handle >> 20, bucket: (existing.handle >> 12) & 0xFF) {
                    continue
                }
                if let existing { plan.filterDeletes.append(TCRequests.deleteFilter(device, existing)) }
                if duplicated.contains(prefix) {
                    plan.filterDeletes += duplicates.filter { $0.role == .address(prefix) }.map { TCRequests.deleteFilter(device, $0) }
                }
                guard let (placement, node) = placeNewFilter(prefix, on: qdisc) else {
                    let candidates = AddressFamily.placements(of: prefix)
                    let preferred = candidates[0]
                    plan.errors.append(TrafficControlError(operation: "create filter", object: "\(prefix) (qdisc \(TCHandle.text(qdisc))) on \(device.name)",
                                                           reason: "u32 bucket \(preferred.bucket) of table \(String(preferred.table.id, radix: 16)): is full (4095 filters)\(candidates.count > 1 ? ", and so are the other buckets it fits" : "")"))
                    continue
                }
                let handle = (placement.table.id << 20) | (placement.bucket << 12) | node
                plan.filterCreates.append(TCRequests.addAddressFilter(device, parent: qdisc, prefix: prefix, side: side,
                                                                      handle: handle, target: target))
            }
            let wantedHere = Set((wantedFilters[qdisc] ?? []).map(\.prefix))
            let leftovers = Array(actualByPrefix.values) + duplicates.filter { filter in
                if case .address(let prefix) = filter.role { !wantedHere.contains(prefix) } else { false }
            }
            for filter in leftovers.sorted(by: { $0.handle < $1.handle }) {
                plan.filterDeletes.append(TCRequests.deleteFilter(device, filter))
            }
        }

        // 6. Classes nobody wants any more (their leaf goes with them), after their filters.
        for state in userClasses where !wantedClasses.contains(state.handle) {
            plan.classDeletes.append(TCRequests.deleteClass(device, handle: state.handle, parent: state.parent))
        }
        return plan
    }

    /// Shards that exist: the class under the root, and its inner HTB qdisc.
    private func existingShards() -> (classes: Set<Int>, qdiscs: Set<Int>) {
        var shardHasClass = Set<Int>()
        var shardHasQdisc = Set<Int>()
        for state in actual.classes where state.parent == Layout.rootHandle {
            if let index = Layout.shardIndex(ofClass: state.handle) { shardHasClass.insert(index) }
        }
        for qdisc in actual.qdiscs where qdisc.kind == "htb" {
            if let index = Layout.shardIndex(ofInner: qdisc.handle), qdisc.parent == Layout.shardClass(index),
               TCHandle.minor(qdisc.handle) == 0 {
                shardHasQdisc.insert(index)
            }
        }
        return (shardHasClass, shardHasQdisc)
    }

    /// Only the hash tables and links missing from the root and the existing inner qdiscs: what
    /// `plan([]).structure` holds, without looking at users (`Shaper.prepare`, on every start).
    func structure() -> [NetlinkRequest] {
        let shards = existingShards().qdiscs
        var structural: [UInt32: [FilterState]] = [:]
        for filter in actual.filters {
            if case .address = filter.role { continue }
            structural[filter.parent, default: []].append(filter)
        }
        return ([Layout.rootHandle] + shards.sorted().map { Layout.shardQdisc($0) }).flatMap { qdisc in
            structureRequests(qdisc: qdisc, existing: structural[qdisc] ?? [])
        }
    }

    /// Hash tables and link nodes missing from one qdisc of the tree.
    private func structureRequests(qdisc: UInt32, existing: [FilterState]) -> [NetlinkRequest] {
        Self.structureRequests(device: device, side: side, qdisc: qdisc, existing: existing)
    }

    /// Hash tables and link nodes missing from one qdisc of the tree (shared with `DirectionModel`).
    static func structureRequests(device: Device, side: KeySide, qdisc: UInt32, existing: [FilterState]) -> [NetlinkRequest] {
        var requests: [NetlinkRequest] = []
        let tables = Set(existing.filter { $0.role == .hashTable }.map { $0.handle >> 20 })
        let links = Set(existing.filter { $0.role == .structural && $0.handle >> 20 >= 0x800 }.map { "\($0.priority):\($0.handle & 0xFFF)" })
        for family in AddressFamily.allCases {
            for table in family.tables where !tables.contains(table.id) {
                requests.append(TCRequests.addHashTable(device, parent: qdisc, family: family, table: table))
            }
            for table in family.tables where !links.contains("\(family.priority):\(table.linkNode)") {
                requests.append(TCRequests.addLink(device, parent: qdisc, family: family, table: table, side: side))
            }
        }
        return requests
    }
}

/// Key of a u32 bucket: qdisc handle, table id, bucket.
struct BucketKey: Hashable {
    var qdisc: UInt32
    var table: UInt32
    var bucket: UInt32
}
