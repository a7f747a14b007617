import CNetlink
import Glibc

/// Reads links, qdiscs, classes, filters, statistics and the classifier's maps back from the
/// kernel.
///
/// The kernel is the source of truth: every converge starts from these reads, never from a
/// remembered copy, which is what makes adoption after a restart and drift repair work.
struct KernelReader {
    let socket: NetlinkSocket

    /// The device named `name`, or nil when it does not exist.
    func device(named name: String) throws -> Device? {
        var link: OpaquePointer?
        let rc = rtnl_link_get_kernel(socket.handle, 0, name, &link)
        if rc == -Int32(NLE_OBJ_NOTFOUND) || rc == -Int32(NLE_NODEV) { return nil }
        guard rc >= 0, let link else { throw TrafficControlError.libnl("look up link", name, code: rc) }
        defer { rtnl_link_put(link) }
        let flags = rtnl_link_get_flags(link)
        return Device(name: name, ifindex: rtnl_link_get_ifindex(link), mtu: rtnl_link_get_mtu(link),
                      isUp: flags & UInt32(IFF_UP) != 0, kind: rtnl_link_get_type(link).map { String(cString: $0) },
                      arpType: rtnl_link_get_arptype(link))
    }

    /// Iterates a libnl cache's objects; frees the cache afterwards.
    private func forEach(_ cache: OpaquePointer, _ body: (OpaquePointer) throws -> Void) rethrows {
        defer { nl_cache_free(cache) }
        var object = nl_cache_get_first(cache)
        while let current = object {
            try body(current)
            object = nl_cache_get_next(current)
        }
    }

    func qdiscs(of device: Device) throws -> [QdiscState] {
        try qdiscsByDevice(label: device.name)[device.ifindex] ?? []
    }

    /// Every qdisc of the namespace from ONE dump, by interface index. The kernel's qdisc
    /// dump covers all devices whatever is asked, and with 20k leaves per device it is the
    /// expensive part of a read: callers that need several devices share one.
    func qdiscsByDevice(label: String = "namespace") throws -> [Int32: [QdiscState]] {
        var cache: OpaquePointer?
        let rc = rtnl_qdisc_alloc_cache(socket.handle, &cache)
        guard rc >= 0, let cache else { throw TrafficControlError.libnl("dump qdiscs", label, code: rc) }
        var result: [Int32: [QdiscState]] = [:]
        forEach(cache) { qdisc in
            let kind = rtnl_tc_get_kind(qdisc).map { String(cString: $0) } ?? "?"
            let limit = (kind == "pfifo" || kind == "bfifo") ? Int(rtnl_qdisc_fifo_get_limit(qdisc)) : nil
            result[rtnl_tc_get_ifindex(qdisc), default: []].append(
                QdiscState(handle: rtnl_tc_get_handle(qdisc), parent: rtnl_tc_get_parent(qdisc), kind: kind, limit: limit))
        }
        return result.mapValues { $0.sorted { ($0.parent, $0.handle) < ($1.parent, $1.handle) } }
    }

    /// HTB classes with their settings.
    func classes(of device: Device) throws -> [ClassState] {
        var cache: OpaquePointer?
        let rc = rtnl_class_alloc_cache(socket.handle, device.ifindex, &cache)
        guard rc >= 0, let cache else { throw TrafficControlError.libnl("dump classes", device.name, code: rc) }
        var classes: [ClassState] = []
        forEach(cache) { htbClass in
            let kind = rtnl_tc_get_kind(htbClass).map { String(cString: $0) } ?? "?"
            guard kind == "htb" else { return }
            var rate: UInt64 = 0
            var ceil: UInt64 = 0
            _ = rtnl_htb_get_rate64(htbClass, &rate)
            _ = rtnl_htb_get_ceil64(htbClass, &ceil)
            let handle = rtnl_tc_get_handle(htbClass)
            // The kernel reports a qdisc's top-level classes with parent "root"; name the qdisc instead.
            var parent = rtnl_tc_get_parent(htbClass)
            if parent == TCHandle.root { parent = TCHandle.make(TCHandle.major(handle), 0) }
            classes.append(ClassState(handle: handle, parent: parent, rate: rate * 8, ceil: ceil * 8,
                                      burst: rtnl_htb_get_rbuffer(htbClass), cburst: rtnl_htb_get_cbuffer(htbClass),
                                      quantum: rtnl_htb_get_quantum(htbClass)))
        }
        return classes.sorted { $0.handle < $1.handle }
    }

    /// The statistics of every HTB class on the device by handle, without the classes' settings
    /// (what counters and `tierctl top` need, at a fraction of `classes(of:)`'s cost).
    func classStatistics(of device: Device) throws -> [UInt32: DirectionCounters] {
        try ClassStatisticsDump.statistics(socket: socket.handle, device: device)
    }

    /// The filters of the qdisc or clsact hook `parent`, any kind.
    func filters(of device: Device, parent: UInt32) throws -> [FilterState] {
        try FilterDump.filters(socket: socket.handle, ifindex: device.ifindex, parent: parent,
                               label: "qdisc \(TCHandle.text(parent)) on \(device.name)")
    }

    /// The filters of the interface's clsact hooks (none without a clsact qdisc).
    func hooks(of device: Device, qdiscs: [QdiscState]) throws -> [FilterState] {
        guard qdiscs.contains(where: { $0.parent == TCHandle.clsactParent && $0.kind == "clsact" }) else { return [] }
        return try filters(of: device, parent: TCHandle.clsactEgress) + filters(of: device, parent: TCHandle.clsactIngress)
    }

    /// Everything on one device: its qdiscs (except the ingress-side one), HTB classes, the
    /// filters of every HTB qdisc of tierd's tree, and the direction's map entries (from `maps`,
    /// the maps of the classifier attached now). `qdiscDump`: a `qdiscsByDevice()` result still
    /// current, to save a dump.
    func state(of device: Device, maps: AddressMaps?, qdiscDump: [Int32: [QdiscState]]? = nil) throws -> DirectionState {
        let all = try qdiscDump.map { $0[device.ifindex] ?? [] } ?? qdiscs(of: device)
        let qdiscs = all.filter { $0.parent != TCHandle.clsactParent }
        let classes = try classes(of: device)
        var filters: [FilterState] = []
        let ownsRoot = qdiscs.contains { $0.parent == TCHandle.root && $0.handle == Layout.rootHandle && $0.kind == "htb" }
        if ownsRoot {
            for qdisc in qdiscs where qdisc.kind == "htb" {
                filters += try self.filters(of: device, parent: qdisc.handle)
            }
        }
        let entries = try maps?.read().entries ?? [:]
        return DirectionState(device: device.name, qdiscs: qdiscs, classes: classes, filters: filters, entries: entries)
    }
}
