import CNetlink
import Glibc

/// Dumps the filters of one qdisc (or clsact hook) with a raw RTM_GETTFILTER request.
///
/// libnl's classifier cache decodes only the kinds it has modules for, and libnl 3.7 has none
/// for cls_bpf: the program id and name (how tierd recognises and adopts its classifier) are
/// only in the raw TCA_OPTIONS, so this reads them from the messages directly.
enum FilterDump {
    static func filters(socket: OpaquePointer, ifindex: Int32, parent: UInt32, label: String) throws -> [FilterState] {
        var filters: [FilterState] = []
        try TCDump.run(socket: socket, request: Int32(RTM_GETTFILTER), replyType: Int32(RTM_NEWTFILTER), ifindex: ifindex,
                       parent: parent, operation: "dump filters", label: label) { header in
            if let filter = filter(header, parent: parent) { filters.append(filter) }
        }
        return filters.sorted { ($0.priority, $0.handle) < ($1.priority, $1.handle) }
    }

    private static func filter(_ header: UnsafeMutablePointer<nlmsghdr>, parent: UInt32) -> FilterState? {
        let (tc, attributes, length) = TCDump.attributes(header)
        let kind = nla_find(attributes, length, Int32(TCA_KIND)).map { String(cString: nla_get_string($0)) } ?? "?"
        var filter = FilterState(parent: parent, priority: UInt16(tc.tcm_info >> 16), proto: UInt16(bigEndian: UInt16(tc.tcm_info & 0xFFFF)),
                                 handle: tc.tcm_handle, kind: kind)
        // The kernel also reports each priority's classifier itself (handle 0, no options).
        guard tc.tcm_handle != 0 else { return nil }
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
        return filter
    }
}
