import CNetlink
import Glibc

/// Programs tierd's traffic control on one interface (download) and its IFB (upload).
///
/// The layout, on each device (`Layout`, and docs/design.md for why):
/// - root HTB `7164:` (default 0: unclassified traffic is not shaped), the ownership marker;
/// - shard classes `7164:1`... (never limiting), each holding an inner HTB qdisc (majors from
///   `0x7200` up), because the kernel walks all of a qdisc's classes on every class add;
/// - one class per throttled user inside a shard (rate = ceil), with a leaf qdisc;
/// - the BPF classifier (`Classifier`, `bpf/classify.bpf.c`): on the interface's clsact
///   egress, destination address -> download class in `skb->priority`; on its clsact
///   ingress, source address -> upload class, and a redirect of throttled users' packets to
///   the IFB; on both root HTBs, `skb->priority` -> shard class. The address -> class
///   bindings are entries in the classifier's maps, one per address or prefix.
/// Nothing is stored outside the kernel (and bpffs): a restarted daemon finds its classifier
/// from the filters (opening it through its pins, `BPFPinDirectory`, when configured), the
/// user -> class mapping from the map entries, and adopts everything as it is.
///
/// Two ways in: `converge(to:)` reads both trees and the maps and applies the difference
/// (start-up, reload, periodic and drift-triggered reconcile: the source of truth);
/// `apply(_:removing:)` changes a few users from the engines the last converge left, without
/// reading anything. Both plan through `DirectionEngine`, the one place that decides.
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
    /// The namespace's qdiscs as `prepare()` read them, when it changed nothing (an adoption):
    /// the converge that follows uses them instead of dumping 20k leaves again. Used once.
    private var preparedQdiscs: [Int32: [QdiscState]]?
    private var classifier: Classifier?
    /// How the last `prepare()` came by the classifier; nil before the first.
    public var classifierOrigin: ClassifierOrigin? { classifier?.origin }
    /// Pins the last `prepare()` could not write: a restart without CAP_SYS_ADMIN then cannot
    /// adopt the classifier and loads a new one. Shaping itself is unaffected.
    public private(set) var pinErrors: [TrafficControlError] = []
    /// The engines (download, upload) of the last converge, kept while the kernel took every
    /// change since: `apply` plans from them without reading the kernel.
    private var engines: [DirectionEngine]?
    /// user id -> class handle per direction, kept for counters when the engines are dropped.
    private var assignments: [[String: UInt32]] = [[:], [:]]
    /// Interface indexes of the devices programmed by the last converge (for `concerns`).
    public private(set) var deviceIndexes: Set<Int32> = []

    /// Opens the netlink socket, inside `configuration.namespace` when given. Touches nothing.
    public init(_ configuration: ShaperConfiguration) throws {
        self.configuration = configuration
        socket = try NetlinkSocket(namespace: configuration.namespace)
    }

    // MARK: devices

    /// The subscriber-facing interface; refused unless it is an Ethernet-type device (the
    /// classifier reads the Ethernet header).
    private func interface() throws -> Device {
        guard let device = try reader.device(named: configuration.interface) else {
            deviceIndexes = []
            throw TrafficControlError(operation: "look up link", object: configuration.interface, reason: "no such device")
        }
        guard device.arpType == 1 /* ARPHRD_ETHER */ else {
            throw TrafficControlError(operation: "prepare", object: configuration.interface,
                                      reason: "link type \(device.arpType) is not Ethernet; tierd's classifier reads Ethernet frames")
        }
        return device
    }

    private func ifb() throws -> Device {
        guard let device = try reader.device(named: configuration.ifb) else {
            throw TrafficControlError(operation: "look up link", object: configuration.ifb, reason: "no such device (prepare() creates it)")
        }
        try Self.checkIsIFB(device)
        return device
    }

    /// A device under the configured IFB name that is not an IFB is someone else's: putting
    /// HTB on it and redirecting every subscriber's upload there would blackhole the upload.
    private static func checkIsIFB(_ device: Device) throws {
        guard device.kind == "ifb" else {
            throw TrafficControlError(operation: "prepare", object: device.name,
                                      reason: "exists and is \(device.kind.map { "a \($0) device" } ?? "not a virtual device"), not an IFB; refusing to use it (configure another [network] ifb name)")
        }
    }

    /// Creates the IFB if it is missing and brings it up.
    private func ensureIFB() throws -> Device {
        if try reader.device(named: configuration.ifb) == nil {
            try socket.executeOne(TCRequests.addIFB(named: configuration.ifb))
        }
        var device = try ifb()
        if !device.isUp {
            try socket.executeOne(TCRequests.setUp(device))
            device = try ifb()
        }
        return device
    }

    // MARK: prepare

    /// Makes the fixed part exist: IFB (created, up), root HTBs, the interface's clsact qdisc
    /// and the classifier on its four attach points. Adopts tierd's own as it is; refuses a
    /// foreign root or ingress qdisc unless `takeover`.
    public func prepare() throws {
        engines = nil
        let interface = try interface()
        let ifb = try ensureIFB()
        let qdiscs = try reader.qdiscsByDevice()
        var requests: [NetlinkRequest] = []
        for device in [interface, ifb] {
            requests += try rootRequests(device, qdiscs: qdiscs[device.ifindex] ?? [])
        }
        requests += try ingressSideRequests(interface, qdiscs: qdiscs[interface.ifindex] ?? [])
        if let error = socket.execute(requests).first { throw error }
        let attached = try attachClassifier(interface: interface, ifb: ifb)
        let after = requests.isEmpty ? qdiscs : try reader.qdiscsByDevice()
        preparedQdiscs = requests.isEmpty && !attached ? qdiscs : nil
        leafQdiscKind = try detectLeafKind(on: ifb, qdiscs: after[ifb.ifindex] ?? [], adopting: after[interface.ifindex] ?? [])
        deviceIndexes = [interface.ifindex, ifb.ifindex]
        prepared = true
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

    /// A clsact qdisc on the interface, where the classifier hooks in. An existing clsact with
    /// only tierd's filters is kept; the classic `ingress` qdisc of tierd's earlier u32 layout
    /// (u32 redirects at priorities 1 and 2 only) is replaced; anything else on the ingress
    /// side is someone else's, refused like a foreign root unless `takeover`.
    private func ingressSideRequests(_ interface: Device, qdiscs: [QdiscState]) throws -> [NetlinkRequest] {
        let create = TCRequests.addQdisc(interface, handle: TCHandle.clsactHandle, parent: TCHandle.clsactParent, kind: "clsact")
        guard let existing = qdiscs.first(where: { $0.parent == TCHandle.clsactParent }) else { return [create] }
        let replace = [TCRequests.deleteQdisc(interface, handle: existing.handle, parent: TCHandle.clsactParent, kind: existing.kind), create]
        let foreign: [FilterState]
        if existing.kind == "clsact" {
            foreign = try reader.hooks(of: interface, qdiscs: qdiscs).filter { !$0.isTierd }
            if foreign.isEmpty { return [] }
        } else {
            let filters = try reader.filters(of: interface, parent: TCHandle.clsactHandle)
            let earlierTierd = existing.kind == "ingress" && qdiscs.contains { $0.parent == TCHandle.root && $0.handle == Layout.rootHandle }
                && filters.allSatisfy { $0.kind == "u32" && ($0.priority == 1 || $0.priority == 2) }
            if earlierTierd { return replace }
            foreign = filters
        }
        guard configuration.takeover else {
            throw TrafficControlError(operation: "prepare", object: "\(existing.kind) qdisc on \(interface.name)",
                                      reason: "foreign ingress qdisc (\(foreign.count) filters not tierd's); set takeover = true to replace it")
        }
        return replace
    }

    /// The classifier on its four attach points: adopted from the filters when they run this
    /// version, else loaded (keeping the maps of whatever is attached), and attached wherever
    /// a point has no filter or one running another program instance. The maps' fixed
    /// entries (shard majors, the IFB's index) are checked and set.
    /// Returns whether anything was attached.
    @discardableResult
    private func attachClassifier(interface: Device, ifb: Device) throws -> Bool {
        let hooks = try reader.filters(of: interface, parent: TCHandle.clsactEgress) + reader.filters(of: interface, parent: TCHandle.clsactIngress)
        let roots = [interface.ifindex: try reader.filters(of: interface, parent: Layout.rootHandle),
                     ifb.ifindex: try reader.filters(of: ifb, parent: Layout.rootHandle)]
        let points: [(Device, UInt32, Classifier.Program, [FilterState])] = [
            (interface, TCHandle.clsactEgress, .down, hooks), (interface, TCHandle.clsactIngress, .up, hooks),
            (interface, Layout.rootHandle, .shard, roots[interface.ifindex]!), (ifb, Layout.rootHandle, .shard, roots[ifb.ifindex]!),
        ]
        func attached(_ parent: UInt32, _ filters: [FilterState]) -> FilterState? {
            filters.first { $0.parent == parent && $0.isTierd && $0.handle == Layout.filterHandle }
        }
        let pins = pinDirectory(interface)
        if classifier == nil {
            var ids: [Classifier.Program: UInt32] = [:]
            for (_, parent, program, filters) in points {
                if let filter = attached(parent, filters), let id = filter.programID,
                   Classifier.program(named: filter.programName ?? "")?.current == true { ids[program] = id }
            }
            if !ids.isEmpty { classifier = Classifier.adopt(programIDs: ids, pins: pins) }
        }
        if classifier?.isComplete != true { classifier = try Classifier.load(reusing: classifier) }
        guard let classifier else { return false }
        pinErrors = pins.map(classifier.pin(in:)) ?? []
        var requests: [NetlinkRequest] = []
        for (device, parent, program, filters) in points where attached(parent, filters)?.programID != classifier.programID(program) {
            requests.append(TCRequests.putClassifier(device, parent: parent, program: program, descriptor: classifier.programs[program]!,
                                                     classid: program == .shard ? Layout.rootHandle : nil))
        }
        var errors = socket.execute(requests)
        errors += Self.fixedEntries(of: classifier, ifb: ifb)
        if let error = errors.first { throw error }
        return !requests.isEmpty
    }

    /// Where the classifier on `interface` is pinned; nil when pinning is off.
    private func pinDirectory(_ interface: Device) -> BPFPinDirectory? {
        configuration.pinDirectory.flatMap { BPFPinDirectory(root: $0, socketFD: nl_socket_get_fd(socket.handle), ifindex: interface.ifindex) }
    }

    /// shard_of (inner major -> shard class minor) and up_config (the IFB's index): fixed
    /// entries, checked on every prepare and set where they differ.
    private static func fixedEntries(of classifier: Classifier, ifb: Device) -> [TrafficControlError] {
        var wanted: [(BPFMap, UInt32, UInt32)] = Layout.shardMajors.enumerated().map { index, major in
            (classifier.maps["shard_of"]!, major, TCHandle.minor(Layout.shardClass(index)))
        }
        wanted.append((classifier.maps["up_config"]!, 0, UInt32(bitPattern: ifb.ifindex)))
        var errors: [TrafficControlError] = []
        for (map, key, value) in wanted {
            let bytes = withUnsafeBytes(of: key) { Array($0) }
            if map.value(bytes) == value { continue }
            if let code = map.set(bytes, value) {
                errors.append(TrafficControlError(operation: "set map entry", object: "\(map.name)[\(key)]", reason: String(cString: strerror(code)), errno: code))
            }
        }
        return errors
    }

    /// Tries fq_codel, then cake, as a leaf of a temporary class under tierd's IFB root;
    /// falls back to pfifo. Detected, never assumed: test kernels often lack both. A tree being
    /// adopted keeps the kind its leaves have (no probe object on a restart).
    private func detectLeafKind(on device: Device, qdiscs existing: [QdiscState], adopting other: [QdiscState]) throws -> String {
        let probeClass = TCHandle.make(Layout.rootMajor, 0xFFFF)
        let leaves = (existing + other).filter { Layout.isLeafMajor(TCHandle.major($0.handle)) && $0.parent != TCHandle.root }
        let leafKinds = Set(leaves.map(\.kind))
        if let adopted = ["fq_codel", "cake", "pfifo"].first(where: leafKinds.contains) { return adopted }
        var majors = HandleAllocator(ranges: Layout.leafMajors, used: Set(existing.map { TCHandle.major($0.handle) }).union(Layout.reservedMajors))
        guard let major = majors.next() else { return "pfifo" }
        try socket.executeOne(TCRequests.putClass(device, ClassSpec.user(handle: probeClass, parent: Layout.rootHandle,
                                                                         rate: 1_000_000, mtu: device.mtu), replace: false))
        defer { _ = socket.execute([TCRequests.deleteClass(device, handle: probeClass, parent: Layout.rootHandle)]) }
        for kind in ["fq_codel", "cake"] {
            let probe = TCRequests.addQdisc(device, handle: TCHandle.make(major, 0), parent: probeClass, kind: kind, replace: true)
            if socket.execute([probe]).isEmpty { return kind }
        }
        return "pfifo"
    }

    // MARK: converge

    /// Makes the kernel match `desired`, sending only the difference (nothing when equal).
    /// Kernel refusals do not throw: they come back in the report, each with its object, and
    /// the next converge retries them. Throws only when the state cannot be read at all.
    public func converge(to desired: [ShapedUser]) throws -> ConvergeReport {
        engines = nil
        if try !prepared || !fixedPartIntact() { try prepare() }
        let (built, plans) = try plan(desired)
        preparedQdiscs = nil
        return execute(plans, engines: built)
    }

    /// What `converge(to: desired)` would send now, planned by the same engines from the same
    /// reads, and nothing sent: `tierctl plan`'s kernel half. The counts are the ones the
    /// converge would report (`DirectionPlan.count`), the operations the requests in the
    /// order they would go, at most `operationLimit` of them listed.
    /// Throws when the state cannot be read, or before tierd's tree was prepared.
    public func dryRun(to desired: [ShapedUser], operationLimit: Int = ShaperDryRun.operationLimit) throws -> ShaperDryRun {
        guard prepared else {
            throw TrafficControlError(operation: "plan", object: configuration.interface, reason: "tierd's tree is not prepared yet")
        }
        let (engines, plans) = try plan(desired)
        var report = ConvergeReport()
        var operations: [String] = []
        var total = 0
        for (engine, plan) in zip(engines, plans) {
            plan.count(into: &report)
            report.errors += plan.errors
            operations += plan.operationLines(limit: operationLimit - operations.count, device: engine.device.name)
            total += plan.operationCount
        }
        return ShaperDryRun(report: report, operations: operations, operationsOmitted: total - operations.count)
    }

    /// Reads both trees and the maps and plans the difference to `desired`, per direction.
    private func plan(_ desired: [ShapedUser]) throws -> (engines: [DirectionEngine], plans: [DirectionPlan]) {
        let devices = [try interface(), try ifb()]
        let qdiscs = try preparedQdiscs ?? reader.qdiscsByDevice()
        let sides: [KeySide] = [.destination, .source]
        let rates: [KeyPath<ShapedUser, UInt64?>] = [\.download, \.upload]
        var built: [DirectionEngine] = []
        var plans: [DirectionPlan] = []
        for direction in 0..<2 {
            let state = try reader.state(of: devices[direction], maps: classifier?.addressMaps(sides[direction]), qdiscDump: qdiscs)
            let wanted = desired.compactMap { user in
                user[keyPath: rates[direction]].map { WantedClass(user: user.id, addresses: user.addresses, rate: $0) }
            }
            var engine = DirectionEngine(device: devices[direction], side: sides[direction], leafKind: leafQdiscKind, state: state,
                                         wanted: wanted, spares: configuration.spareClasses)
            var plan = DirectionPlan()
            engine.converge(wanted, into: &plan)
            built.append(engine)
            plans.append(plan)
        }
        deviceIndexes = Set(devices.map(\.ifindex))
        return (built, plans)
    }

    /// Whether the IFB, the roots and the classifier are as `prepare` leaves them (three small
    /// reads), so a converge repairs drift of the fixed part too.
    private func fixedPartIntact() throws -> Bool {
        guard let classifier, let ifb = try reader.device(named: configuration.ifb), ifb.isUp, ifb.kind == "ifb" else { return false }
        let interface = try interface()
        let hooks = try reader.filters(of: interface, parent: TCHandle.clsactEgress) + reader.filters(of: interface, parent: TCHandle.clsactIngress)
        let expected: [(UInt32, Classifier.Program, [FilterState])] = [
            (TCHandle.clsactEgress, .down, hooks), (TCHandle.clsactIngress, .up, hooks),
            (Layout.rootHandle, .shard, try reader.filters(of: interface, parent: Layout.rootHandle)),
            (Layout.rootHandle, .shard, try reader.filters(of: ifb, parent: Layout.rootHandle)),
        ]
        return expected.allSatisfy { parent, program, filters in
            filters.contains { $0.parent == parent && $0.isTierd && $0.programID == classifier.programID(program) }
        }
    }

    // MARK: incremental changes

    /// Whether `apply` can work from the engines of the last converge (no refusal since).
    /// When false, callers must converge with the full desired state.
    public var canApplyIncrementally: Bool { prepared && engines != nil }

    /// Changes only the given users, without reading the kernel: `users` are their new shaping
    /// (nil rate: no class in that direction), `removing` the ids that need nothing any more.
    /// A rate change is one in-place class change; a newly throttled user takes a ready class
    /// (else gets a new class and leaf) and its addresses' map entries; an unthrottled one
    /// loses its entries, and its class is parked as a ready one or deleted. Kernel refusals
    /// come back in the report and drop the engines, so the caller's next full converge
    /// repairs them. Throws when there is nothing to start from (`canApplyIncrementally`).
    public func apply(_ users: [ShapedUser], removing: [String]) throws -> ConvergeReport {
        let rates: [KeyPath<ShapedUser, UInt64?>] = [\.download, \.upload]
        guard let report = change({ engine, direction, plan in
            for id in removing { engine.update(id, to: nil, into: &plan) }
            for user in users {
                let wanted = user[keyPath: rates[direction]].map { WantedClass(user: user.id, addresses: user.addresses, rate: $0) }
                engine.update(user.id, to: wanted, into: &plan)
            }
        }) else {
            throw TrafficControlError(operation: "apply", object: "incremental change", reason: "no converged state to start from; converge first")
        }
        return report
    }

    /// Whether ready classes were taken since the last converge or replenish.
    public var needsSpares: Bool { engines?.contains { $0.spareDeficit > 0 } ?? false }

    /// Creates the ready classes that newly throttled users took (see
    /// `ShaperConfiguration.spareClasses`), off their path. Nothing to do without engines.
    public func replenishSpares() throws -> ConvergeReport {
        change { engine, _, plan in engine.replenish(into: &plan) } ?? ConvergeReport()
    }

    /// Plans `body` on each direction's engine and applies it; nil without engines.
    private func change(_ body: (inout DirectionEngine, Int, inout DirectionPlan) -> Void) -> ConvergeReport? {
        preparedQdiscs = nil
        guard prepared, var current = engines else { return nil }
        // `current` must be the engines' only owner, or the first mutation copies them whole.
        engines = nil
        var plans: [DirectionPlan] = []
        for direction in current.indices {
            var plan = DirectionPlan()
            body(&current[direction], direction, &plan)
            plans.append(plan)
        }
        return execute(plans, engines: current)
    }

    /// Sends the plans in the order the kernel needs (classes and leaves, then map entries,
    /// then deletions) and keeps the engines only when the kernel took everything.
    private func execute(_ plans: [DirectionPlan], engines planned: [DirectionEngine]) -> ConvergeReport {
        var report = ConvergeReport()
        for plan in plans {
            plan.count(into: &report)
            report.errors += plan.errors
        }
        var failures = socket.execute(plans.flatMap(\.beforeEntries))
        let sides: [KeySide] = [.destination, .source]
        for (direction, plan) in plans.enumerated() where !plan.entryChanges.isEmpty {
            guard let maps = classifier?.addressMaps(sides[direction]) else {
                failures.append(TrafficControlError(operation: "set map entries", object: "classifier", reason: "not loaded"))
                continue
            }
            for (prefix, handle) in plan.entryChanges {
                if let error = handle.map({ maps.set(prefix, $0) }) ?? maps.delete(prefix) { failures.append(error) }
            }
        }
        failures += socket.execute(plans.flatMap(\.afterEntries))
        report.errors += failures
        // A refused change leaves an engine ahead of the kernel: forget it until the next
        // converge, keeping only its user -> class view for counters. (Kept engines must stay
        // the only owners of their dictionaries, or the next change copies them whole.)
        if failures.isEmpty && plans.allSatisfy({ $0.errors.isEmpty }) {
            engines = planned
            assignments = [[:], [:]]
        } else {
            engines = nil
            assignments = planned.map(\.classOf)
        }
        return report
    }

    /// The netlink port of the shaper's socket: kernel notifications of changes it made carry
    /// it, which is how a monitor tells tierd's own changes from someone else's.
    public var netlinkPort: UInt32 { nl_socket_get_local_port(socket.handle) }

    /// Whether a notified change concerns the shaper: a change on one of its devices, lost
    /// events, or a link appearing while a device is missing (the interface coming back).
    public func concerns(_ event: TCEvent) -> Bool {
        switch event.kind {
        case .eventsLost: true
        case .linkChanged: deviceIndexes.contains(event.ifindex) ? false : deviceIndexes.count < 2
        default: deviceIndexes.contains(event.ifindex)
        }
    }

    // MARK: reading

    /// Everything tierd owns, read back from the kernel (not from memory): the map entries
    /// come from the maps of the classifier attached now, whoever attached it.
    public func readState() throws -> KernelState {
        let interface = try interface()
        let qdiscs = try reader.qdiscsByDevice()
        let ingressKind = qdiscs[interface.ifindex]?.first { $0.parent == TCHandle.clsactParent }?.kind
        let hooks = try reader.hooks(of: interface, qdiscs: qdiscs[interface.ifindex] ?? [])
        var ids: [Classifier.Program: UInt32] = [:]
        for filter in hooks where filter.isTierd {
            if let id = filter.programID, let program = Classifier.program(named: filter.programName ?? "")?.program { ids[program] = id }
        }
        let attached = Classifier.adopt(programIDs: ids, pins: pinDirectory(interface))
        let download = try reader.state(of: interface, maps: attached.addressMaps(.destination), qdiscDump: qdiscs)
        let upload: DirectionState
        if let ifb = try reader.device(named: configuration.ifb) {
            upload = try reader.state(of: ifb, maps: attached.addressMaps(.source), qdiscDump: qdiscs)
        } else {
            upload = DirectionState(device: configuration.ifb, qdiscs: [], classes: [], filters: [], entries: [:])
        }
        return KernelState(download: download, upload: upload, hooks: hooks, ingressQdiscKind: ingressKind)
    }

    /// The class handle of each shaped user, per direction (download, upload), as of the last
    /// pass: what a `ClassCounterReader`'s statistics are looked up by.
    public var classAssignments: [[String: UInt32]] {
        engines.map { $0.map(\.classOf) } ?? assignments
    }

    /// Class statistics per user id (users of the last pass), per direction.
    public func counters() throws -> [String: UserCounters] {
        let download = try reader.classStatistics(of: interface())
        let upload = try reader.device(named: configuration.ifb).map { try reader.classStatistics(of: $0) } ?? [:]
        let downloadClasses = engines?[0].classOf ?? assignments[0]
        let uploadClasses = engines?[1].classOf ?? assignments[1]
        var result: [String: UserCounters] = [:]
        for user in Set(downloadClasses.keys).union(uploadClasses.keys) {
            result[user] = UserCounters(download: downloadClasses[user].flatMap { download[$0] },
                                        upload: uploadClasses[user].flatMap { upload[$0] })
        }
        return result
    }

    // MARK: teardown

    /// Deletes what tierd created: both root qdiscs (if tierd's), the clsact qdisc, the IFB,
    /// the classifier's pins. The programs and maps go with the last filter and descriptor
    /// holding them. Attempts everything and throws the first failure at the end.
    public func teardown() throws {
        var errors: [TrafficControlError] = []
        var requests: [NetlinkRequest] = []
        if let interface = try reader.device(named: configuration.interface) {
            pinDirectory(interface)?.remove()
            let qdiscs = try reader.qdiscs(of: interface)
            if qdiscs.contains(where: { $0.parent == TCHandle.root && $0.handle == Layout.rootHandle }) {
                requests.append(TCRequests.deleteQdisc(interface, handle: Layout.rootHandle, parent: TCHandle.root, kind: "htb"))
            }
            if let ingress = qdiscs.first(where: { $0.parent == TCHandle.clsactParent }) {
                requests.append(TCRequests.deleteQdisc(interface, handle: ingress.handle, parent: TCHandle.clsactParent, kind: ingress.kind))
            }
        }
        errors += socket.execute(requests)
        if let ifb = try reader.device(named: configuration.ifb), ifb.kind == "ifb" {
            errors += socket.execute([TCRequests.deleteLink(ifb)])
        }
        prepared = false
        preparedQdiscs = nil
        classifier = nil
        engines = nil
        assignments = [[:], [:]]
        if let first = errors.first { throw first }
    }
}
