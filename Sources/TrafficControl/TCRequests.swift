import CNetlink

/// Builders of the netlink requests tierd sends, one per kind of kernel object.
///
/// Each wraps one libnl object type, sets the kind before any kind-specific setter (libnl
/// otherwise fails with a misleading "Out of memory"), builds the message and frees the object.
enum TCRequests {
    private static func object(_ device: Device, kind: String, handle: UInt32, parent: UInt32) -> String {
        "\(kind) \(TCHandle.text(handle)) (parent \(TCHandle.text(parent))) on \(device.name)"
    }

    // MARK: qdiscs

    /// A qdisc. `replace` grafts it over whatever sits at `parent` (root takeover, leaf swap).
    static func addQdisc(_ device: Device, handle: UInt32, parent: UInt32, kind: String,
                         fifoLimit: Int? = nil, replace: Bool = false) -> NetlinkRequest {
        NetlinkRequest(operation: replace ? "replace qdisc" : "create qdisc",
                       object: object(device, kind: "qdisc \(kind)", handle: handle, parent: parent)) {
            guard let qdisc = rtnl_qdisc_alloc() else { return (-Int32(NLE_NOMEM), nil) }
            defer { rtnl_qdisc_put(qdisc) }
            rtnl_tc_set_ifindex(qdisc, device.ifindex)
            rtnl_tc_set_handle(qdisc, handle)
            rtnl_tc_set_parent(qdisc, parent)
            var rc = rtnl_tc_set_kind(qdisc, kind)
            guard rc >= 0 else { return (rc, nil) }
            switch kind {
            case "htb":
                rc = rtnl_htb_set_defcls(qdisc, 0)  // default 0: unclassified traffic is not shaped
            case "pfifo", "bfifo":
                rc = rtnl_qdisc_fifo_set_limit(qdisc, Int32(fifoLimit ?? Layout.fifoLimit))
            case "fq_codel":
                // 1024 flows per user is ~64 KiB each; 64 flows is plenty for one subscriber.
                rc = rtnl_qdisc_fq_codel_set_flows(qdisc, 64)
            default:
                rc = 0
            }
            guard rc >= 0 else { return (rc, nil) }
            var message: OpaquePointer?
            let flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)
            rc = rtnl_qdisc_build_add_request(qdisc, flags, &message)
            return (rc, message)
        }
    }

    static func deleteQdisc(_ device: Device, handle: UInt32, parent: UInt32, kind: String) -> NetlinkRequest {
        NetlinkRequest(operation: "delete qdisc", object: object(device, kind: "qdisc \(kind)", handle: handle, parent: parent)) {
            guard let qdisc = rtnl_qdisc_alloc() else { return (-Int32(NLE_NOMEM), nil) }
            defer { rtnl_qdisc_put(qdisc) }
            rtnl_tc_set_ifindex(qdisc, device.ifindex)
            rtnl_tc_set_handle(qdisc, handle)
            rtnl_tc_set_parent(qdisc, parent)
            var message: OpaquePointer?
            let rc = rtnl_qdisc_build_delete_request(qdisc, &message)
            return (rc, message)
        }
    }

    // MARK: classes

    /// An HTB class with its full settings; `replace` changes an existing class in place.
    /// An HTB class, created or changed in place. Built by hand rather than with libnl's HTB
    /// class builder, which also computes and sends two 1 KiB rate tables per class (RTAB and
    /// CTAB) that the kernel only reads for a link layer it does not know: setting the link
    /// layer (Ethernet) makes them unnecessary, which measurably shortens every tier change
    /// (both in libnl's table computation and in the kernel's table lookup). The kernel keeps
    /// the same rate, ceil, burst and quantum either way (the kernel-state tests read them back).
    static func putClass(_ device: Device, _ spec: ClassSpec, replace: Bool) -> NetlinkRequest {
        NetlinkRequest(operation: replace ? "change class" : "create class",
                       object: object(device, kind: "class", handle: spec.handle, parent: spec.parent)) {
            let flags = replace ? NLM_F_REPLACE : (NLM_F_CREATE | NLM_F_EXCL)
            guard let message = nlmsg_alloc_simple(Int32(RTM_NEWTCLASS), flags) else { return (-Int32(NLE_NOMEM), nil) }
            var header = tcmsg()
            header.tcm_family = UInt8(AF_UNSPEC)
            header.tcm_ifindex = device.ifindex
            header.tcm_handle = spec.handle
            header.tcm_parent = spec.parent
            let rateBytes = spec.rate / 8
            let ceilBytes = spec.ceil / 8
            var options = tc_htb_opt()
            options.rate = ratespec(bytesPerSecond: rateBytes)
            options.ceil = ratespec(bytesPerSecond: ceilBytes)
            options.buffer = transmitTicks(bytes: spec.burst, bytesPerSecond: rateBytes)
            options.cbuffer = transmitTicks(bytes: spec.burst, bytesPerSecond: ceilBytes)
            options.quantum = spec.quantum
            var steps = [nlmsg_append(message, &header, MemoryLayout<tcmsg>.size, Int32(NLMSG_ALIGNTO)),
                         nla_put_string(message, Int32(TCA_KIND), "htb")]
            guard let nest = nla_nest_start(message, Int32(TCA_OPTIONS)) else {
                nlmsg_free(message)
                return (-Int32(NLE_NOMEM), nil)
            }
            steps.append(nla_put(message, Int32(TCA_HTB_PARMS), Int32(MemoryLayout<tc_htb_opt>.size), &options))
            // Rates past 32 bits (34 Gbit/s and up) go in their own attributes, as tc does.
            if rateBytes > UInt64(UInt32.max) { steps.append(nla_put_u64(message, Int32(TCA_HTB_RATE64), rateBytes)) }
            if ceilBytes > UInt64(UInt32.max) { steps.append(nla_put_u64(message, Int32(TCA_HTB_CEIL64), ceilBytes)) }
            steps.append(nla_nest_end(message, nest))
            if let failed = steps.first(where: { $0 < 0 }) {
                nlmsg_free(message)
                return (failed, nil)
            }
            return (0, message)
        }
    }

    /// A rate for HTB's fixed-size ratespec: saturated at 32 bits (the 64-bit attribute
    /// carries the rest), Ethernet link layer (no rate table needed).
    private static func ratespec(bytesPerSecond: UInt64) -> tc_ratespec {
        var spec = tc_ratespec()
        spec.rate = UInt32(min(bytesPerSecond, UInt64(UInt32.max)))
        spec.linklayer = UInt8(TC_LINKLAYER_ETHERNET.rawValue)
        return spec
    }

    /// How long sending `bytes` takes at the rate, in the kernel's packet-scheduler ticks:
    /// HTB's burst unit. Computed as libnl does (microseconds, truncated, then ticks), so a
    /// tree built before this builder reads back with the same burst.
    private static func transmitTicks(bytes: UInt32, bytesPerSecond: UInt64) -> UInt32 {
        guard bytesPerSecond > 0 else { return 0 }
        let microseconds = Double(bytes) / Double(bytesPerSecond) * 1_000_000
        return nl_us2ticks(UInt32(min(microseconds, Double(UInt32.max))))
    }

    static func deleteClass(_ device: Device, handle: UInt32, parent: UInt32) -> NetlinkRequest {
        NetlinkRequest(operation: "delete class", object: object(device, kind: "class", handle: handle, parent: parent)) {
            guard let htbClass = rtnl_class_alloc() else { return (-Int32(NLE_NOMEM), nil) }
            defer { rtnl_class_put(htbClass) }
            rtnl_tc_set_ifindex(htbClass, device.ifindex)
            rtnl_tc_set_handle(htbClass, handle)
            rtnl_tc_set_parent(htbClass, parent)
            var message: OpaquePointer?
            let rc = rtnl_class_build_delete_request(htbClass, &message)
            return (rc, message)
        }
    }

    // MARK: u32 filters

    /// A u32 filter skeleton: ifindex, parent, priority, protocol, kind, handle.
    private static func u32(_ device: Device, parent: UInt32, family: AddressFamily, handle: UInt32) -> OpaquePointer? {
        guard let filter = rtnl_cls_alloc() else { return nil }
        rtnl_tc_set_ifindex(filter, device.ifindex)
        rtnl_tc_set_parent(filter, parent)
        rtnl_cls_set_prio(filter, family.priority)
        rtnl_cls_set_protocol(filter, family.ethertype)
        if rtnl_tc_set_kind(filter, "u32") < 0 {
            rtnl_cls_put(filter)
            return nil
        }
        if handle != 0 { rtnl_tc_set_handle(filter, handle) }
        return filter
    }

    private static func buildAdd(_ filter: OpaquePointer, steps: [Int32]) -> (code: Int32, message: OpaquePointer?) {
        defer { rtnl_cls_put(filter) }
        for step in steps where step < 0 { return (step, nil) }
        var message: OpaquePointer?
        let rc = rtnl_cls_build_add_request(filter, NLM_F_CREATE | NLM_F_EXCL, &message)
        return (rc, message)
    }

    /// A u32 hash table ("handle ht: u32 divisor N").
    static func addHashTable(_ device: Device, parent: UInt32, family: AddressFamily, table: HashTableSpec) -> NetlinkRequest {
        NetlinkRequest(operation: "create filter",
                       object: "u32 hash table \(String(table.id, radix: 16)): (qdisc \(TCHandle.text(parent))) on \(device.name)") {
            guard let filter = u32(device, parent: parent, family: family, handle: table.handle) else { return (-Int32(NLE_NOMEM), nil) }
            return buildAdd(filter, steps: [rtnl_u32_set_divisor(filter, table.divisor)])
        }
    }

    /// The match-all node in the priority's root table that links (hashing when the table has
    /// a divisor) into `table`.
    static func addLink(_ device: Device, parent: UInt32, family: AddressFamily, table: HashTableSpec, side: KeySide) -> NetlinkRequest {
        NetlinkRequest(operation: "create filter",
                       object: "u32 link \(family) node \(table.linkNode) -> \(String(table.id, radix: 16)): (qdisc \(TCHandle.text(parent))) on \(device.name)") {
            guard let filter = u32(device, parent: parent, family: family, handle: table.linkNode) else { return (-Int32(NLE_NOMEM), nil) }
            var steps = [rtnl_u32_add_key_uint32(filter, 0, 0, 0, 0), rtnl_u32_set_link(filter, table.handle)]
            if let word = table.hashWordOffset {
                steps.append(rtnl_u32_set_hashmask(filter, table.hashMask, UInt32(family.addressOffset(side) + word)))
            }
            // No terminal flag here: when the linked table has no match, the kernel pops back to
            // this node and, were it terminal, would classify into classid 0 (unshaped) instead
            // of trying the next table. Found by real traffic; tc never sets it on links either.
            return buildAdd(filter, steps: steps)
        }
    }

    /// An address filter: exact match of `prefix` on the keyed address, classifying into `target`.
    static func addAddressFilter(_ device: Device, parent: UInt32, prefix: IPPrefix, side: KeySide,
                                 handle: UInt32, target: UInt32) -> NetlinkRequest {
        let family = AddressFamily(prefix)
        return NetlinkRequest(operation: "create filter",
                              object: "u32 filter \(TCHandle.u32Text(handle)) \(prefix) -> \(TCHandle.text(target)) (qdisc \(TCHandle.text(parent))) on \(device.name)") {
            guard let filter = u32(device, parent: parent, family: family, handle: handle) else { return (-Int32(NLE_NOMEM), nil) }
            var steps = [rtnl_u32_set_hashtable(filter, handle & 0xFFFF_F000)]
            let base = family.addressOffset(side)
            for (index, (word, mask)) in zip(prefix.words, prefix.maskWords).enumerated() where mask != 0 {
                steps.append(rtnl_u32_add_key_uint32(filter, word, mask, Int32(base + index * 4), 0))
            }
            if prefix.length == 0 { steps.append(rtnl_u32_add_key_uint32(filter, 0, 0, Int32(base), 0)) }
            steps.append(rtnl_u32_set_classid(filter, target))
            steps.append(rtnl_u32_set_cls_terminal(filter))
            return buildAdd(filter, steps: steps)
        }
    }

    /// The ingress match-all filter that redirects a family's packets to the IFB's egress.
    static func addRedirect(_ device: Device, family: AddressFamily, to ifb: Device) -> NetlinkRequest {
        NetlinkRequest(operation: "create filter",
                       object: "u32 \(family) mirred redirect to \(ifb.name) (ingress) on \(device.name)") {
            guard let filter = u32(device, parent: TCHandle.ingress, family: family, handle: 0) else { return (-Int32(NLE_NOMEM), nil) }
            guard let action = rtnl_act_alloc() else {
                rtnl_cls_put(filter)
                return (-Int32(NLE_NOMEM), nil)
            }
            defer { rtnl_act_put(action) }
            var steps = [rtnl_tc_set_kind(action, "mirred")]
            steps.append(rtnl_mirred_set_action(action, TCA_EGRESS_REDIR))
            steps.append(rtnl_mirred_set_policy(action, TC_ACT_STOLEN))
            steps.append(rtnl_mirred_set_ifindex(action, UInt32(ifb.ifindex)))
            steps.append(rtnl_u32_add_key_uint32(filter, 0, 0, 0, 0))
            steps.append(rtnl_u32_add_action(filter, action))
            steps.append(rtnl_u32_set_cls_terminal(filter))
            return buildAdd(filter, steps: steps)
        }
    }

    static func deleteFilter(_ device: Device, _ state: FilterState) -> NetlinkRequest {
        NetlinkRequest(operation: "delete filter",
                       object: "u32 filter \(TCHandle.u32Text(state.handle)) prio \(state.priority) (qdisc \(TCHandle.text(state.parent))) on \(device.name)") {
            guard let filter = rtnl_cls_alloc() else { return (-Int32(NLE_NOMEM), nil) }
            defer { rtnl_cls_put(filter) }
            rtnl_tc_set_ifindex(filter, device.ifindex)
            rtnl_tc_set_parent(filter, state.parent)
            rtnl_cls_set_prio(filter, state.priority)
            rtnl_cls_set_protocol(filter, state.proto)
            _ = rtnl_tc_set_kind(filter, "u32")
            rtnl_tc_set_handle(filter, state.handle)
            var message: OpaquePointer?
            let rc = rtnl_cls_build_delete_request(filter, 0, &message)
            return (rc, message)
        }
    }
}
