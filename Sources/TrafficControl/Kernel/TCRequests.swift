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
                       object: object(device, kind: "qdisc \(kind)", handle: handle, parent: parent),
                       tc: TCCommand.qdisc(device.name, handle: handle, parent: parent, kind: kind, fifoLimit: fifoLimit ?? Layout.fifoLimit, replace: replace)) {
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
            case "clsact", "ingress":
                rc = 0
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
        NetlinkRequest(operation: "delete qdisc", object: object(device, kind: "qdisc \(kind)", handle: handle, parent: parent),
                       tc: "qdisc del dev \(device.name) \(TCCommand.parent(parent)) handle \(TCHandle.text(handle))") {
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
                       object: object(device, kind: "class", handle: spec.handle, parent: spec.parent),
                       tc: TCCommand.htbClass(device.name, spec, replace: replace)) {
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
        NetlinkRequest(operation: "delete class", object: object(device, kind: "class", handle: handle, parent: parent),
                       tc: "class del dev \(device.name) parent \(TCHandle.text(parent)) classid \(TCHandle.text(handle))") {
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

    // MARK: filters

    /// tierd's classifier filter: cls_bpf in direct-action mode running `program`, at tierd's
    /// priority with handle 1, named after the program and the object's version (how a restart
    /// recognises it). Replaces whatever filter sits at that priority and handle, atomically:
    /// re-attaching or upgrading a program never leaves a moment without classification.
    /// `classid`: the major the program's `tc_classid` verdicts are relative to (the root HTB's).
    static func putClassifier(_ device: Device, parent: UInt32, program: Classifier.Program, descriptor: BPFDescriptor,
                              classid: UInt32?) -> NetlinkRequest {
        let name = Classifier.filterName(program)
        return NetlinkRequest(operation: "attach classifier", object: "bpf \(name) (\(TCHandle.text(parent))) on \(device.name)") {
            guard let message = nlmsg_alloc_simple(Int32(RTM_NEWTFILTER), NLM_F_CREATE | NLM_F_REPLACE) else { return (-Int32(NLE_NOMEM), nil) }
            var header = tcmsg()
            header.tcm_family = UInt8(AF_UNSPEC)
            header.tcm_ifindex = device.ifindex
            header.tcm_parent = parent
            header.tcm_handle = Layout.filterHandle
            header.tcm_info = UInt32(Layout.filterPriority) << 16 | UInt32(UInt16(ETH_P_ALL).bigEndian)
            var steps = [nlmsg_append(message, &header, MemoryLayout<tcmsg>.size, Int32(NLMSG_ALIGNTO)),
                         nla_put_string(message, Int32(TCA_KIND), "bpf")]
            guard let nest = nla_nest_start(message, Int32(TCA_OPTIONS)) else {
                nlmsg_free(message)
                return (-Int32(NLE_NOMEM), nil)
            }
            steps.append(nla_put_u32(message, Int32(TCA_BPF_FD), UInt32(bitPattern: descriptor.fd)))
            steps.append(nla_put_string(message, Int32(TCA_BPF_NAME), name))
            steps.append(nla_put_u32(message, Int32(TCA_BPF_FLAGS), UInt32(TCA_BPF_FLAG_ACT_DIRECT)))
            if let classid { steps.append(nla_put_u32(message, Int32(TCA_BPF_CLASSID), classid)) }
            steps.append(nla_nest_end(message, nest))
            if let failed = steps.first(where: { $0 < 0 }) {
                nlmsg_free(message)
                return (failed, nil)
            }
            return (0, message)
        }
    }

    /// Deletes every filter of one priority (and protocol) on `parent`: how leftovers of
    /// another layout (an older tierd's u32 tables) or of someone else go in one request.
    static func deleteFilters(_ device: Device, parent: UInt32, priority: UInt16, proto: UInt16) -> NetlinkRequest {
        NetlinkRequest(operation: "delete filter", object: "filters prio \(priority) (\(TCHandle.text(parent))) on \(device.name)",
                       tc: "filter del dev \(device.name) \(TCCommand.parent(parent)) prio \(priority)") {
            guard let message = nlmsg_alloc_simple(Int32(RTM_DELTFILTER), 0) else { return (-Int32(NLE_NOMEM), nil) }
            var header = tcmsg()
            header.tcm_family = UInt8(AF_UNSPEC)
            header.tcm_ifindex = device.ifindex
            header.tcm_parent = parent
            header.tcm_info = UInt32(priority) << 16 | UInt32(proto.bigEndian)
            let rc = nlmsg_append(message, &header, MemoryLayout<tcmsg>.size, Int32(NLMSG_ALIGNTO))
            if rc < 0 {
                nlmsg_free(message)
                return (rc, nil)
            }
            return (0, message)
        }
    }
}

// MARK: links

extension TCRequests {
    /// An IFB device. HTB sizes its direct queue (where unthrottled users' packets wait) from
    /// the device's txqueuelen, and an IFB defaults to 32: give it an Ethernet-like 1000.
    static func addIFB(named name: String) -> NetlinkRequest {
        NetlinkRequest(operation: "create link", object: "ifb \(name)") {
            guard let link = rtnl_link_alloc() else { return (-Int32(NLE_NOMEM), nil) }
            defer { rtnl_link_put(link) }
            rtnl_link_set_name(link, name)
            rtnl_link_set_txqlen(link, 1000)
            let rc = rtnl_link_set_type(link, "ifb")
            guard rc >= 0 else { return (rc, nil) }
            var message: OpaquePointer?
            return (rtnl_link_build_add_request(link, NLM_F_CREATE | NLM_F_EXCL, &message), message)
        }
    }

    static func setUp(_ device: Device) -> NetlinkRequest {
        NetlinkRequest(operation: "set link up", object: device.name) {
            guard let link = rtnl_link_alloc(), let change = rtnl_link_alloc() else { return (-Int32(NLE_NOMEM), nil) }
            defer {
                rtnl_link_put(link)
                rtnl_link_put(change)
            }
            rtnl_link_set_ifindex(link, device.ifindex)
            rtnl_link_set_flags(change, UInt32(IFF_UP))
            var message: OpaquePointer?
            return (rtnl_link_build_change_request(link, change, 0, &message), message)
        }
    }

    static func deleteLink(_ device: Device) -> NetlinkRequest {
        NetlinkRequest(operation: "delete link", object: "ifb \(device.name)") {
            guard let link = rtnl_link_alloc() else { return (-Int32(NLE_NOMEM), nil) }
            defer { rtnl_link_put(link) }
            rtnl_link_set_ifindex(link, device.ifindex)
            var message: OpaquePointer?
            return (rtnl_link_build_delete_request(link, &message), message)
        }
    }
}
