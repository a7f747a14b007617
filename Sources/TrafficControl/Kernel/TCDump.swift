import CNetlink
import Glibc

/// One raw traffic-control dump (RTM_GETQDISC, RTM_GETTCLASS or RTM_GETTFILTER) on a libnl
/// socket, handing each reply message of the dump's own sequence to `record`.
///
/// Why not libnl's caches: they decode only the kinds libnl has modules for (3.7 has none for
/// cls_bpf), and they allocate and hash one object per kernel object, which at 100,000 classes
/// costs more than the kernel's dump itself. The callers decode only the attributes they need.
enum TCDump {
    /// Sends the dump request for `ifindex` (and `parent`, which only filter dumps use) and
    /// feeds every reply of type `replyType` to `record` until the dump is done.
    static func run(socket: OpaquePointer, request: Int32, replyType: Int32, ifindex: Int32, parent: UInt32 = 0,
                    operation: String, label: String,
                    record: (UnsafeMutablePointer<nlmsghdr>) -> Void) throws {
        guard let message = nlmsg_alloc_simple(request, NLM_F_REQUEST | NLM_F_DUMP) else {
            throw TrafficControlError(operation: operation, object: label, reason: "out of memory")
        }
        var header = tcmsg()
        header.tcm_family = UInt8(AF_UNSPEC)
        header.tcm_ifindex = ifindex
        header.tcm_parent = parent
        var rc = nlmsg_append(message, &header, MemoryLayout<tcmsg>.size, Int32(NLMSG_ALIGNTO))
        if rc >= 0 { rc = nl_send_auto(socket, message) }
        let sequence = nlmsg_hdr(message).pointee.nlmsg_seq
        nlmsg_free(message)
        guard rc >= 0 else { throw TrafficControlError.libnl(operation, label, code: rc) }
        guard let callbacks = nl_cb_alloc(NL_CB_DEFAULT) else {
            throw TrafficControlError(operation: operation, object: label, reason: "out of memory")
        }
        defer { nl_cb_put(callbacks) }
        withoutActuallyEscaping(record) { record in
            let receiver = Receiver(sequence: sequence, replyType: UInt16(replyType), record: record)
            let context = Unmanaged.passUnretained(receiver).toOpaque()
            nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, { message, argument in
                guard let message, let argument else { return Int32(NL_OK.rawValue) }
                Unmanaged<Receiver>.fromOpaque(argument).takeUnretainedValue().receive(nlmsg_hdr(message))
                return Int32(NL_OK.rawValue)
            }, context)
            // Replies to earlier pipelined requests may still carry other sequence numbers: the
            // dump's own are picked out in `receive`.
            nl_cb_set(callbacks, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, { _, _ in Int32(NL_OK.rawValue) }, nil)
            rc = nl_recvmsgs(socket, callbacks)
            withExtendedLifetime(receiver) {}
        }
        guard rc >= 0 else { throw TrafficControlError.libnl(operation, label, code: rc) }
    }

    /// The attributes of a tc message (after its `tcmsg` header).
    static func attributes(_ header: UnsafeMutablePointer<nlmsghdr>) -> (tc: tcmsg, start: UnsafeMutablePointer<nlattr>, length: Int32) {
        let tc = UnsafeRawPointer(nlmsg_data(header)!).loadUnaligned(as: tcmsg.self)
        return (tc, nlmsg_attrdata(header, Int32(MemoryLayout<tcmsg>.size)), nlmsg_attrlen(header, Int32(MemoryLayout<tcmsg>.size)))
    }

    /// Holds the callback for libnl's C function pointer, which cannot capture.
    private final class Receiver {
        let sequence: UInt32
        let replyType: UInt16
        let record: (UnsafeMutablePointer<nlmsghdr>) -> Void

        init(sequence: UInt32, replyType: UInt16, record: @escaping (UnsafeMutablePointer<nlmsghdr>) -> Void) {
            self.sequence = sequence
            self.replyType = replyType
            self.record = record
        }

        func receive(_ header: UnsafeMutablePointer<nlmsghdr>) {
            guard header.pointee.nlmsg_seq == sequence, header.pointee.nlmsg_type == replyType else { return }
            record(header)
        }
    }
}
