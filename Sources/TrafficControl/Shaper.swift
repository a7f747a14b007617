import CNetlink

/// Programs tierd's traffic control tree on one interface (download) and its IFB (upload).
///
/// The tree, on each device (see `Layout` for details, DESIGN.md "Kernel layout" for why):
/// - root HTB `7164:` (default 0: unclassified traffic is not shaped) — the ownership marker;
/// - shard classes `7164:1`...`7164:100` (rate = ceil = 400 Gbit/s), each with an inner HTB
///   qdisc whose major comes from `0x7200` upwards (all in one kernel qdisc-hash bucket);
/// - one class per throttled user inside a shard (`<shard major>:<minor>`, rate = ceil), with
///   a leaf qdisc (`leafQdiscKind`) whose major is allocated from the remaining majors;
/// - on the root and on every inner qdisc, u32 filters: prio 1 IPv4 / prio 2 IPv6, hash tables
///   1: (IPv4 hosts, last byte), 2: (IPv4 /24-/31, third byte), 3: (shorter IPv4, linear),
///   4: (IPv6 hosts, last byte), 5: (IPv6 /64-/127, byte 7), 6: (shorter IPv6, linear);
///   root filters send an address to its user's shard class, inner filters to the user class.
///   Download keys on the destination address, upload (IFB) on the source address.
/// - on the interface, an ingress qdisc with one u32 match-all per family, action mirred
///   egress redirect to the IFB.
/// The user -> class mapping is never stored: it is read back from the inner filters, which
/// is how a restarted daemon adopts the tree without touching it.
///
/// Two ways in: `converge(to:)` dumps both trees and sends the difference (start-up, reload,
/// periodic and drift-triggered reconcile: the source of truth); `apply(_:removing:)` changes
/// a few users from a cached `DirectionModel` without any dump (tier changes: O(changed users)).
/// The cache is built at the first `apply` after a converge and dropped on any kernel error.
///
/// Not Sendable: it owns a netlink socket and must be used from one actor or thread.
public final class Shaper {
    public let configuration: ShaperConfiguration
    private let socket: NetlinkSocket
    private var reader: KernelReader { KernelReader(socket: socket) }
    /// The leaf qdisc kind detected by `prepare()`: "fq_codel" or "cake" when the kernel has
    /// them, else "pfifo" (with an explicit limit).
    public private(set) var leafQdiscKind = "pfifo"
    private var prepared = false
    /// Both devices' state as `prepare()` read it, kept only when prepare changed nothing
    /// (an adoption): the converge that follows diffs against it instead of reading the whole
    /// tree again, which halves a restart's cost. Used once; anything else clears it.
    private var preparedStates: [DirectionState]?
    /// user id -> class handle per direction, from the last converge (for counters).
    private var downloadAssignment: [String: UInt32] = [:]
    private var uploadAssignment: [String: UInt32] = [:]
    /// The cached trees (download, upload) that `apply` changes without a dump; nil until the
    /// first `apply` after a converge builds them, and dropped on any kernel error.
    private var models: [DirectionModel]?
    /// What the next model is built from: the desired state of the last converge and, when
    /// that converge changed nothing, the dumps it already read (else `apply` dumps once).
    private var modelBasis: (wanted: [[WantedClass]], states: [DirectionState]?)?
    /// Interface indexes of the devices programmed by the last converge (for `concerns`).
    public private(set) var deviceIndexes: Set<Int32> = []

    /// Opens the netlink socket, inside `configuration.namespace` when given. Touches nothing.
    public init(_ configuration: ShaperConfiguration) throws {
        self.configuration = configuration
        socket = try NetlinkSocket(namespace: configuration.namespace)
    }

    // MARK: devices

    private func interface() throws -> Device {
        guard let device = try reader.device(named: configuration.interface) else {
            throw TrafficControlError(operation: "look up link", object: configuration.interface, reason: "no such device")
        }
        return device
    }

    private func ifb() throws -> Device {
        guard let device = try reader.device(named: configuration.ifb) else {
            throw TrafficControlError(operation: "look up link", object: configuration.ifb, reason: "no such device (prepare() creates it)")
        }
        return device
    }

    /// Creates the IFB if it is missing and brings it up.
    private func ensureIFB() throws -> Device {
        if try reader.device(named: configuration.ifb) == nil {
            let name = configuration.ifb
            try socket.executeOne(NetlinkRequest(operation: "create link", object: "ifb \(name)") {
                guard let link = rtnl_link_alloc() else { return (-Int32(NLE_NOMEM), nil) }
                defer { rtnl_link_put(link) }
                rtnl_link_set_name(link, name)
                // HTB sizes its direct queue (where unthrottled users' packets wait) from the
                // device's txqueuelen, and an IFB defaults to 32: give it an Ethernet-like 1000.
                rtnl_link_set_txqlen(link, 1000)
                let rc = rtnl_link_set_type(link, "ifb")
                guard rc >= 0 else { return (rc, nil) }
                var message: OpaquePointer?
                return (rtnl_link_build_add_request(link, NLM_F_CREATE | NLM_F_EXCL, &message), message)
            })
        }
        var device = try ifb()
        if !device.isUp {
            let index = device.ifindex
            try socket.executeOne(NetlinkRequest(operation: "set link up", object: device.name) {
                guard let link = rtnl_link_alloc(), let change = rtnl_link_alloc() else { return (-Int32(NLE_NOMEM), nil) }
                defer {
                    rtnl_link_put(link)
                    rtnl_link_put(change)
                }
                rtnl_link_set_ifindex(link, index)
                rtnl_link_set_flags(change, UInt32(IFF_UP))
                var message: OpaquePointer?
                return (rtnl_link_build_change_request(link, change, 0, &message), message)
            })
            device = try ifb()
        }
        return device
    }

    // MARK: prepare

    /// Makes the fixed part of the tree exist: IFB (created, up), root HTBs with their hash
    /// tables, the ingress qdisc and its redirect filters. Adopts tierd's own existing tree as
    /// it is; refuses a foreign root qdisc unless `takeover`.
    public func prepare() throws {
        preparedStates = nil
        let interface = try interface()
        let ifb = try ensureIFB()
        // One qdisc dump serves both devices' checks (it covers the namespace anyway).
        let before = try reader.qdiscsByDevice()
        var requests: [NetlinkRequest] = []
        for device in [interface, ifb] {
            requests += try rootRequests(device, qdiscs: before[device.ifindex] ?? [])
        }
        requests += try ingressRequests(interface, ifb: ifb, qdiscs: before[interface.ifindex] ?? [])
        if let error = socket.execute(requests).first { throw error }
        var unchanged = requests.isEmpty
        var states: [DirectionState] = []
        for (device, side) in [(interface, KeySide.destination), (ifb, KeySide.source)] {
            let state = try reader.state(of: device, qdiscDump: unchanged ? before : nil).state
            // Only structure here: users are converge's job.
            let structure = DirectionPlanner(device: device, side: side, leafKind: leafQdiscKind, actual: state).structure()
            if let error = socket.execute(structure).first { throw error }
            unchanged = unchanged && structure.isEmpty
            states.append(state)
        }
        let detection = try detectLeafKind(on: ifb, qdiscs: states[1].qdiscs, adopting: states[0].qdiscs)
        leafQdiscKind = detection.kind
        models = nil
        modelBasis = nil
        prepared = true
        preparedStates = unchanged && !detection.probed ? states : nil
    }

    /// The root HTB on `device` unless tierd's own is already there.
    private func rootRequests(_ device: Device, qdiscs: [QdiscState]) throws -> [NetlinkRequest] {
        guard let root = qdiscs.first(where: { $0.parent == TCHandle.root }) else {
            return [TCRequests.addQdisc(device, handle: Layout.rootHandle, parent: TCHandle.root, kind: "htb", replace: true)]
        }
        if root.handle == Layout.rootHandle && root.kind == "htb" { return [] }
        // A kernel default root (noqueue, pfifo_fast, mq...) has handle 0; anything else was configured by someone.
        if TCHandle.major(root.handle) != 0 && !configuration.takeover {
            throw TrafficControlError(operation: "prepare", object: "root qdisc \(root.kind) \(TCHandle.text(root.handle)) on \(device.name)",
                                      reason: "foreign root qdisc; set takeover = true to replace it")
        }
        return [TCRequests.addQdisc(device, handle: Layout.rootHandle, parent: TCHandle.root, kind: "htb", replace: true)]
    }

    /// Ingress qdisc and one redirect filter per address family, where missing.
    private func ingressRequests(_ interface: Device, ifb: Device, qdiscs: [QdiscState]) throws -> [NetlinkRequest] {
        guard qdiscs.contains(where: { $0.parent == TCHandle.ingressParent }) else {
            return [TCRequests.addQdisc(interface, handle: TCHandle.ingress, parent: TCHandle.ingressParent, kind: "ingress")]
                + AddressFamily.allCases.map { TCRequests.addRedirect(interface, family: $0, to: ifb) }
        }
        let filters = try reader.filters(of: interface, parent: TCHandle.ingress)
        return AddressFamily.allCases.filter { family in
            !filters.contains { $0.priority == family.priority && $0.proto == family.ethertype && $0.redirectIfindex == Int(ifb.ifindex) }
        }.map { TCRequests.addRedirect(interface, family: $0, to: ifb) }
    }

    /// Whether the IFB is up and the ingress redirects to it are in place (cheap: one link
    /// lookup and one small filter dump), so converge can repair drift of the fixed part.
    private func fixedTreeIntact() throws -> Bool {
        guard let ifb = try reader.device(named: configuration.ifb), ifb.isUp else { return false }
        let filters = try reader.filters(of: interface(), parent: TCHandle.ingress)
        return AddressFamily.allCases.allSatisfy { family in
            filters.contains { $0.priority == family.priority && $0.proto == family.ethertype && $0.redirectIfindex == Int(ifb.ifindex) }
        }
    }

    /// Tries fq_codel, then cake, as a leaf of a temporary class under tierd's IFB root;
    /// falls back to pfifo. Detected, never assumed: test kernels often lack both.
    /// `existing`: the device's qdiscs, `other`: the other device's (as `prepare` read them).
    /// `probed` tells whether a probe class was created (and deleted) to find out.
    private func detectLeafKind(on device: Device, qdiscs existing: [QdiscState], adopting other: [QdiscState]) throws -> (kind: String, probed: Bool) {
        let probeClass = TCHandle.make(Layout.rootMajor, 0xFFFF)
        let leaves = (existing + other).filter { Layout.isLeafMajor(TCHandle.major($0.handle)) && $0.parent != TCHandle.root }
        let leafKinds = Set(leaves.map(\.kind))
        // Adopting a tree: its leaves are what an earlier detection chose on this kernel. Probing
        // again would create and delete a class on every restart, which a restart must not do.
        if let adopted = ["fq_codel", "cake", "pfifo"].first(where: leafKinds.contains) { return (adopted, false) }
        var majors = HandleAllocator(ranges: Layout.leafMajors, used: Set(existing.map { TCHandle.major($0.handle) }).union(Layout.reservedMajors))
        guard let major = majors.next() else { return ("pfifo", false) }
        try socket.executeOne(TCRequests.putClass(device, ClassSpec.user(handle: probeClass, parent: Layout.rootHandle,
                                                                         rate: 1_000_000, mtu: device.mtu), replace: false))
        defer { _ = socket.execute([TCRequests.deleteClass(device, handle: probeClass, parent: Layout.rootHandle)]) }
        for kind in ["fq_codel", "cake"] {
            if leafKinds.contains(kind) { return (kind, true) }
            let probe = TCRequests.addQdisc(device, handle: TCHandle.make(major, 0), parent: probeClass, kind: kind, replace: true)
            if socket.execute([probe]).isEmpty { return (kind, true) }
        }
        return ("pfifo", true)
    }

    // MARK: converge

    /// Makes the kernel match `desired`, sending only the difference (nothing when equal).
    /// Kernel refusals do not throw: they come back in the report, each with its object, and
    /// the next converge retries them. Throws only when the state cannot be read at all.
    public func converge(to desired: [ShapedUser]) throws -> ConvergeReport {
        if try !prepared || !fixedTreeIntact() { try prepare() }
        var interface = try interface()
        var ifb = try ifb()
        var actuals = try preparedStates ?? [reader.state(of: interface).state, reader.state(of: ifb).state]
        preparedStates = nil
        if !actuals.allSatisfy(\.hasTierdRoot) {
            // Someone removed a root qdisc since prepare(): rebuild the fixed part, then diff.
            try prepare()
            interface = try self.interface()
            ifb = try self.ifb()
            actuals = [try reader.state(of: interface).state, try reader.state(of: ifb).state]
            preparedStates = nil
        }
        deviceIndexes = [interface.ifindex, ifb.ifindex]
        models = nil
        var report = ConvergeReport()
        var requests: [NetlinkRequest] = []
        var wantedLists: [[WantedClass]] = []
        let directions: [(Device, KeySide, KeyPath<ShapedUser, UInt64?>, DirectionState)] = [
            (interface, .destination, \.download, actuals[0]), (ifb, .source, \.upload, actuals[1]),
        ]
        for (device, side, rate, actual) in directions {
            let wanted = desired.compactMap { user in
                user[keyPath: rate].map { WantedClass(user: user.id, addresses: user.addresses, rate: $0) }
            }
            wantedLists.append(wanted)
            let plan = DirectionPlanner(device: device, side: side, leafKind: leafQdiscKind, actual: actual,
                                        spares: configuration.spareClasses).plan(wanted)
            plan.count(into: &report)
            report.errors += plan.errors
            requests += plan.ordered
            if side == .destination { downloadAssignment = plan.assignment } else { uploadAssignment = plan.assignment }
        }
        report.errors += socket.execute(requests)
        modelBasis = (wantedLists, requests.isEmpty ? actuals : nil)
        return report
    }

    // MARK: incremental changes

    /// Whether `apply` can work from a cached model (a converge has run since the last
    /// failure). When false, callers must converge with the full desired state.
    public var canApplyIncrementally: Bool { prepared && (models != nil || modelBasis != nil) }

    /// Changes only the given users, without dumping the kernel: `users` are their new shaping
    /// (nil rate: no class in that direction), `removing` the ids that need nothing any more.
    /// A rate change is one in-place class change; a newly throttled user takes a ready class
    /// (else gets a new class and leaf) and its filters; an unthrottled one loses its filters,
    /// and its class is parked as a ready one or deleted. Kernel refusals come back in the
    /// report and drop the cached model, so the caller's next full converge repairs them.
    /// Throws when no model can be had (`canApplyIncrementally` is false) or a dump fails.
    public func apply(_ users: [ShapedUser], removing: [String]) throws -> ConvergeReport {
        let rates: [KeyPath<ShapedUser, UInt64?>] = [\.download, \.upload]
        let report = try changeModels { model, direction, plan in
            for id in removing { model.update(id, to: nil, into: &plan) }
            for user in users {
                let wanted = user[keyPath: rates[direction]].map { WantedClass(user: user.id, addresses: user.addresses, rate: $0) }
                model.update(user.id, to: wanted, into: &plan)
            }
        }
        guard let report else {
            throw TrafficControlError(operation: "apply", object: "incremental change", reason: "no converged state to start from; converge first")
        }
        return report
    }

    /// Whether ready classes were taken since the last converge or replenish (and the cached
    /// model knows it): `replenishSpares()` has work to do.
    public var needsSpares: Bool {
        models?.contains { $0.spareDeficit > 0 } ?? false
    }

    /// Creates the ready classes that newly throttled users took (see
    /// `ShaperConfiguration.spareClasses`), from the cached model like `apply`. Meant to run
    /// after the changes that took them, off their path. Refusals come back in the report and
    /// drop the model, as in `apply`. Nothing to do without a converged state.
    public func replenishSpares() throws -> ConvergeReport {
        try changeModels { model, _, plan in model.replenish(into: &plan) } ?? ConvergeReport()
    }

    /// Plans `change` on each direction's cached model (download, upload), sends the requests
    /// and keeps the models only when the kernel took all of them. nil without a model.
    private func changeModels(_ change: (inout DirectionModel, Int, inout DirectionPlan) -> Void) throws -> ConvergeReport? {
        preparedStates = nil
        guard prepared, var current = try currentModels() else { return nil }
        // `current` must be the models' only owner: otherwise the first mutation of each of its
        // dictionaries copies all of it (measured: ~0.4 ms per call at 10k users instead of µs).
        models = nil
        var report = ConvergeReport()
        var requests: [NetlinkRequest] = []
        for direction in current.indices {
            var plan = DirectionPlan()
            change(&current[direction], direction, &plan)
            plan.count(into: &report)
            report.errors += plan.errors
            requests += plan.ordered
        }
        let failures = socket.execute(requests)
        report.errors += failures
        // A refused request leaves the model ahead of the kernel: forget it until the next converge.
        // (Assignments are only copied out when the model goes: sharing its dictionary would make
        // the next change copy it whole.)
        if failures.isEmpty {
            models = current
        } else {
            downloadAssignment = current[0].classOf
            uploadAssignment = current[1].classOf
            models = nil
            modelBasis = nil
        }
        return report
    }

    /// Builds the cache `apply` works from now, instead of at the first `apply` (which would
    /// then pay the dump: ~0.5 s at 10k users). Nothing to do without a converge since the
    /// last failure.
    public func cacheModel() throws {
        _ = try currentModels()
    }

    /// The cached models, built (from the last converge's dumps, or one fresh dump) if needed.
    private func currentModels() throws -> [DirectionModel]? {
        if let models { return models }
        guard let basis = modelBasis else { return nil }
        let devices = [try interface(), try ifb()]
        let states = try basis.states ?? devices.map { try reader.state(of: $0).state }
        let sides: [KeySide] = [.destination, .source]
        let built = devices.indices.map { index in
            DirectionModel(device: devices[index], side: sides[index], leafKind: leafQdiscKind, state: states[index],
                           wanted: basis.wanted[index], spares: configuration.spareClasses)
        }
        models = built
        modelBasis = nil
        downloadAssignment = [:]
        uploadAssignment = [:]
        return built
    }

    /// The netlink port of the shaper's socket: kernel notifications of changes it made carry
    /// it, which is how a monitor tells tierd's own changes from someone else's.
    public var netlinkPort: UInt32 { nl_socket_get_local_port(socket.handle) }

    /// Whether a notified change touched one of the shaper's devices (or may have: lost events).
    public func concerns(_ event: TCEvent) -> Bool {
        event.kind == .eventsLost || deviceIndexes.contains(event.ifindex)
    }

    // MARK: reading

    /// Everything tierd owns, read back through netlink (not from memory).
    public func readState() throws -> KernelState {
        let interface = try interface()
        let download = try reader.state(of: interface).state
        let upload: DirectionState
        if let ifb = try reader.device(named: configuration.ifb) {
            upload = try reader.state(of: ifb).state
        } else {
            upload = DirectionState(device: configuration.ifb, qdiscs: [], classes: [], filters: [])
        }
        let hasIngress = try reader.qdiscs(of: interface).contains { $0.parent == TCHandle.ingressParent }
        let ingress = hasIngress ? try reader.filters(of: interface, parent: TCHandle.ingress) : []
        return KernelState(download: download, upload: upload, ingressFilters: ingress, hasIngressQdisc: hasIngress)
    }

    /// Class statistics per user id (users of the last converge), per direction.
    public func counters() throws -> [String: UserCounters] {
        let download = try reader.classes(of: interface()).stats
        let upload = try reader.device(named: configuration.ifb).map { try reader.classes(of: $0).stats } ?? [:]
        var result: [String: UserCounters] = [:]
        let downloadClasses = models?[0].classOf ?? downloadAssignment
        let uploadClasses = models?[1].classOf ?? uploadAssignment
        for user in Set(downloadClasses.keys).union(uploadClasses.keys) {
            result[user] = UserCounters(download: downloadClasses[user].flatMap { download[$0] },
                                        upload: uploadClasses[user].flatMap { upload[$0] })
        }
        return result
    }

    // MARK: teardown

    /// Deletes what tierd created: both root qdiscs (if tierd's), the ingress qdisc, the IFB.
    /// Attempts everything and throws the first failure at the end.
    public func teardown() throws {
        var errors: [TrafficControlError] = []
        var requests: [NetlinkRequest] = []
        if let interface = try reader.device(named: configuration.interface) {
            let qdiscs = try reader.qdiscs(of: interface)
            if qdiscs.contains(where: { $0.parent == TCHandle.root && $0.handle == Layout.rootHandle }) {
                requests.append(TCRequests.deleteQdisc(interface, handle: Layout.rootHandle, parent: TCHandle.root, kind: "htb"))
            }
            if qdiscs.contains(where: { $0.parent == TCHandle.ingressParent }) {
                requests.append(TCRequests.deleteQdisc(interface, handle: TCHandle.ingress, parent: TCHandle.ingressParent, kind: "ingress"))
            }
        }
        errors += socket.execute(requests)
        if let ifb = try reader.device(named: configuration.ifb) {
            let index = ifb.ifindex
            errors += socket.execute([NetlinkRequest(operation: "delete link", object: "ifb \(ifb.name)") {
                guard let link = rtnl_link_alloc() else { return (-Int32(NLE_NOMEM), nil) }
                defer { rtnl_link_put(link) }
                rtnl_link_set_ifindex(link, index)
                var message: OpaquePointer?
                return (rtnl_link_build_delete_request(link, &message), message)
            }])
        }
        prepared = false
        models = nil
        modelBasis = nil
        downloadAssignment = [:]
        uploadAssignment = [:]
        if let first = errors.first { throw first }
    }
}
