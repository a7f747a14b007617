import CNetlink
import Glibc

/// Dumps the filters of one qdisc (or clsact hook) with a raw RTM_GETTFILTER request.
///
/// libnl's classifier cache decodes only the kinds it has modules for, and libnl 3.7 has none
/// for cls_bpf: the program id and name (how tierd recognises and adopts its classifier) are
/// only in the raw TCA_OPTIONS, so this reads them from the messages directly.
final class FilterDump {
    private var sequence: UInt32 = 0
    private(set) var filters: [FilterState] = []
    private let parent: UInt32

    private init(parent: UInt32) { self.parent = parent }

    static func filters(socket: OpaquePointer, ifindex: Int32, parent: UInt32, label: String) throws -> [FilterState] {
        let dump = FilterDump(parent: parent)
        guard let message = nlmsg_alloc_simple(Int32(RTM_GETTFILTER), NLM_F_REQUEST | NLM_F_DUMP) else {
            throw TrafficControlError(operation: "dump filters", object: label, reason: "out of memory")
        }
        var header = tcmsg()
        header.tcm_family = UInt8(AF_UNSPEC)
        header.tcm_ifindex = ifindex
        header.tcm_parent = parent
        var rc = nlmsg_append(message, &header, MemoryLayout<tcmsg>.size, Int32(NLMSG_ALIGNTO))
        if rc >= 0 { rc = nl_send_auto(socket, message) }
        dump.sequence = nlmsg_hdr(message).pointee.nlmsg_seq
        nlmsg_free(message)
        guard rc >= 0 else { throw TrafficControlError.libnl("dump filters", label, code: rc) }
        guard let callbacks = nl_cb_alloc(NL_CB_DEFAULT) else {
            throw TrafficControlError(operation: "dump filters", object: label, reason: "out of memory")
        }
        defer { nl_cb_put(callbacks) }
        let context = Unmanaged.passUnretained(dump).toOpaque()
        nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, { message, argument in
            guard let message, let argument else { return Int32(NL_OK.rawValue) }
            Unmanaged<FilterDump>.fromOpaque(argument).takeUnretainedValue().record(nlmsg_hdr(message))
            return Int32(NL_OK.rawValue)
        }, context)
        // Replies to earlier pipelined requests may still carry other sequence numbers: the
        // dump's own are picked out in `record`.
        nl_cb_set(callbacks, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, { _, _ in Int32(NL_OK.rawValue) }, nil)
        rc = nl_recvmsgs(socket, callbacks)
        guard rc >= 0 else { throw TrafficControlError.libnl("dump filters", label, code: rc) }
        return dump.filters.sorted { ($0.priority, $0.handle) < ($1.priority, $1.handle) }
    }

    private func record(_ header: UnsafeMutablePointer<nlmsghdr>) {
        guard header.pointee.nlmsg_seq == sequence, header.pointee.nlmsg_type == UInt16(RTM_NEWTFILTER) else { return }
        let tc = UnsafeRawPointer(nlmsg_data(header)!).loadUnaligned(as: tcmsg.self)
        let attributes = nlmsg_attrdata(header, Int32(MemoryLayout<tcmsg>.size))
        let length = nlmsg_attrlen(header, Int32(MemoryLayout<tcmsg>.size))
        let kind = nla_find(attributes, length, Int32(TCA_KIND)).map { String(cString: nla_get_string($0)) } ?? "?"
        var filter = FilterState(parent: parent, priority: UInt16(tc.tcm_info >> 16), proto: UInt16(bigEndian: UInt16(tc.tcm_info & 0xFFFF)),
                                 handle: tc.tcm_handle, kind: kind)
        // The kernel also reports each priority's classifier itself (handle 0, no options).
        guard tc.tcm_handle != 0 else { return }
        if kind == "bpf", let options = nla_find(attributes, length, Int32(TCA_OPTIONS)) {
            let nested = nla_data(options).assumingMemoryBound(to: nlattr.self)
            let innerLength = nla_len(options)
            filter.programID = nla_find(nested, innerLength, Int32(TCA_BPF_ID)).map { nla_get_u32($0) }
            filter.programName = nla_find(nested, innerLength, Int32(TCA_BPF_NAME)).map { String(cString: nla_get_string($0)) }
            filter.classid = nla_find(nested, innerLength, Int32(TCA_BPF_CLASSID)).map { nla_get_u32($0) }
        } else if kind == "u32", let options = nla_find(attributes, length, Int32(TCA_OPTIONS)) {
            // An earlier tierd's address filter: its prefix and class (see LegacyU32Binding).
            let nested = nla_data(options).assumingMemoryBound(to: nlattr.self)
            let innerLength = nla_len(options)
            filter.classid = nla_find(nested, innerLength, Int32(TCA_U32_CLASSID)).map { nla_get_u32($0) }
            if let selector = nla_find(nested, innerLength, Int32(TCA_U32_SEL)) {
                let bytes = UnsafeRawBufferPointer(start: nla_data(selector), count: Int(nla_len(selector)))
                filter.legacyPrefix = LegacyU32Binding.prefix(selector: bytes, ethertype: filter.proto)
            }
        }
        filters.append(filter)
    }
}
