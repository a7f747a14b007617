import CNetlink
import Glibc

/// Reads links, qdiscs, classes, filters and statistics back through netlink dumps.
///
/// The kernel is the source of truth: every converge starts from these dumps, never from a
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
                      isUp: flags & UInt32(IFF_UP) != 0)
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

    /// HTB classes with their settings, and the statistics of each class by handle.
    func classes(of device: Device) throws -> (classes: [ClassState], stats: [UInt32: DirectionCounters]) {
        var cache: OpaquePointer?
        let rc = rtnl_class_alloc_cache(socket.handle, device.ifindex, &cache)
        guard rc >= 0, let cache else { throw TrafficControlError.libnl("dump classes", device.name, code: rc) }
        var classes: [ClassState] = []
        var stats: [UInt32: DirectionCounters] = [:]
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
            stats[handle] = DirectionCounters(bytes: rtnl_tc_get_stat(htbClass, RTNL_TC_BYTES),
                                              packets: rtnl_tc_get_stat(htbClass, RTNL_TC_PACKETS),
                                              drops: rtnl_tc_get_stat(htbClass, RTNL_TC_DROPS),
                                              overlimits: rtnl_tc_get_stat(htbClass, RTNL_TC_OVERLIMITS))
        }
        return (classes.sorted { $0.handle < $1.handle }, stats)
    }

    /// All u32 filters attached to the qdisc `parent`, decoded.
    func filters(of device: Device, parent: UInt32) throws -> [FilterState] {
        var cache: OpaquePointer?
        let rc = rtnl_cls_alloc_cache(socket.handle, device.ifindex, parent, &cache)
        guard rc >= 0, let cache else {
            throw TrafficControlError.libnl("dump filters", "qdisc \(TCHandle.text(parent)) on \(device.name)", code: rc)
        }
        var result: [FilterState] = []
        forEach(cache) { filter in
            let kind = rtnl_tc_get_kind(filter).map { String(cString: $0) } ?? "?"
            let handle = rtnl_tc_get_handle(filter)
            guard kind == "u32", handle != 0 else { return }
            let proto = rtnl_cls_get_protocol(filter)
            var classid: UInt32 = 0
            let target: UInt32? = rtnl_u32_get_classid(filter, &classid) >= 0 && classid != 0 ? classid : nil
            var redirect: Int?
            if let action = rtnl_u32_get_action(filter), let actionKind = rtnl_tc_get_kind(action),
               String(cString: actionKind) == "mirred" {
                redirect = Int(rtnl_mirred_get_ifindex(action))
            }
            result.append(FilterState(parent: parent, priority: rtnl_cls_get_prio(filter), proto: proto, handle: handle,
                                      role: KernelReader.role(of: filter, handle: handle, proto: proto),
                                      target: target, redirectIfindex: redirect))
        }
        return result.sorted { ($0.priority, $0.handle) < ($1.priority, $1.handle) }
    }

    /// Hash tables have node and bucket 0; nodes of the kernel's root tables (ids 0x800 and up)
    /// are links or match-alls; anything else decodes as an address match.
    private static func role(of filter: OpaquePointer, handle: UInt32, proto: UInt16) -> FilterRole {
        if handle & 0xFFFFF == 0 { return .hashTable }
        if handle >> 20 >= 0x800 { return .structural }
        guard let family = AddressFamily(ethertype: proto) else { return .structural }
        var keys: [(value: UInt32, mask: UInt32, offset: Int)] = []
        var index: UInt8 = 0
        while true {
            var value: UInt32 = 0
            var mask: UInt32 = 0
            var offset: Int32 = 0
            var offmask: Int32 = 0
            guard rtnl_u32_get_key(filter, index, &value, &mask, &offset, &offmask) >= 0 else { break }
            keys.append((UInt32(bigEndian: value), UInt32(bigEndian: mask), Int(offset)))
            index += 1
        }
        guard let prefix = decodePrefix(keys, family: family) else { return .structural }
        return .address(prefix)
    }

    /// Rebuilds the prefix from the keys tierd writes (one per non-zero mask word).
    static func decodePrefix(_ keys: [(value: UInt32, mask: UInt32, offset: Int)], family: AddressFamily) -> IPPrefix? {
        guard let first = keys.first else { return nil }
        let wordCount = family == .ipv4 ? 1 : 4
        let base = [KeySide.destination, .source].map { family.addressOffset($0) }
            .first { first.offset >= $0 && first.offset < $0 + wordCount * 4 }
        guard let base else { return nil }
        var words = [UInt32](repeating: 0, count: wordCount)
        var masks = [UInt32](repeating: 0, count: wordCount)
        for key in keys {
            let relative = key.offset - base
            guard relative >= 0, relative % 4 == 0, relative / 4 < wordCount else { return nil }
            words[relative / 4] = key.value
            masks[relative / 4] = key.mask
        }
        var length = 0
        var seenZero = false
        for mask in masks {
            let ones = mask.leadingZeroBitCount == 0 ? (~mask).leadingZeroBitCount : 0
            guard mask == (ones == 0 ? 0 : UInt32.max << UInt32(32 - ones)) else { return nil }
            if ones > 0 && seenZero { return nil }
            if ones < 32 { seenZero = true }
            length += ones
        }
        let bytes = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - $0 * 8)) } }
        return IPPrefix(bytes: bytes, length: length)
    }

    /// Everything on one device: its qdiscs (except ingress), HTB classes, and the filters of
    /// every HTB qdisc of tierd's tree.
    /// `qdiscDump`: a `qdiscsByDevice()` result still current, to save a dump.
    func state(of device: Device, qdiscDump: [Int32: [QdiscState]]? = nil) throws -> (state: DirectionState, stats: [UInt32: DirectionCounters]) {
        let all = try qdiscDump.map { $0[device.ifindex] ?? [] } ?? qdiscs(of: device)
        let qdiscs = all.filter { $0.parent != TCHandle.ingressParent }
        let (classes, stats) = try classes(of: device)
        var filters: [FilterState] = []
        let ownsRoot = qdiscs.contains { $0.parent == TCHandle.root && $0.handle == Layout.rootHandle && $0.kind == "htb" }
        if ownsRoot {
            for qdisc in qdiscs where qdisc.kind == "htb" {
                filters += try self.filters(of: device, parent: qdisc.handle)
            }
        }
        return (DirectionState(device: device.name, qdiscs: qdiscs, classes: classes, filters: filters), stats)
    }
}
