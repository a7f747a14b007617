import CNetlink
import Glibc

/// A NETLINK_ROUTE socket set up for pipelined tc requests and dumps.
///
/// Requests are sent without per-message ACKs and fenced by one ACKed NOOP per chunk; the
/// kernel processes one socket's messages in order, so every error for the chunk has arrived
/// when the fence's ACK does, and each is mapped back to its request by sequence number.
final class NetlinkSocket {
    let handle: OpaquePointer
    /// Requests per fence: bounds how many error replies can queue up in the receive buffer.
    static let chunkSize = 4096

    init(namespace: String?) throws {
        if let namespace {
            handle = try NamespaceOpener.open(namespace: namespace) { try NetlinkSocket.connect() }
        } else {
            handle = try NetlinkSocket.connect()
        }
    }

    deinit { nl_socket_free(handle) }

    private static func connect() throws -> OpaquePointer {
        guard let socket = nl_socket_alloc() else {
            throw TrafficControlError(operation: "allocate", object: "netlink socket", reason: "out of memory")
        }
        let rc = nl_connect(socket, Int32(NETLINK_ROUTE))
        if rc < 0 {
            nl_socket_free(socket)
            throw TrafficControlError.libnl("connect", "netlink socket", code: rc)
        }
        nl_socket_disable_auto_ack(socket)
        _ = nl_socket_set_buffer_size(socket, 32 << 20, 32 << 20)
        let fd = nl_socket_get_fd(socket)
        var size: Int32 = 32 << 20
        // Above rmem_max only with the FORCE variants (root / CAP_NET_ADMIN); best effort.
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size))
        var one: Int32 = 1
        // Errors without the echoed request (smaller replies), with the kernel's reason text.
        _ = setsockopt(fd, 270 /* SOL_NETLINK */, NETLINK_CAP_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, 270 /* SOL_NETLINK */, NETLINK_EXT_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        return socket
    }

    /// Sends all requests pipelined; returns one error per request the kernel (or libnl) refused.
    func execute(_ requests: [NetlinkRequest]) -> [TrafficControlError] {
        var errors: [TrafficControlError] = []
        var start = 0
        while start < requests.count {
            let end = min(start + NetlinkSocket.chunkSize, requests.count)
            errors += executeChunk(requests[start..<end])
            start = end
        }
        return errors
    }

    private func executeChunk(_ requests: ArraySlice<NetlinkRequest>) -> [TrafficControlError] {
        var errors: [TrafficControlError] = []
        var bySequence: [UInt32: Int] = [:]
        for index in requests.indices {
            let request = requests[index]
            let built = request.build()
            guard built.code >= 0, let message = built.message else {
                errors.append(.libnl(request.operation, request.object, code: built.code < 0 ? built.code : -Int32(NLE_NOMEM)))
                continue
            }
            let sent = nl_send_auto(handle, message)
            let sequence = nlmsg_hdr(message).pointee.nlmsg_seq
            nlmsg_free(message)
            if sent < 0 {
                errors.append(.libnl(request.operation, request.object, code: sent))
                continue
            }
            bySequence[sequence] = index
        }
        let collector = ReplyCollector()
        guard let fence = nlmsg_alloc_simple(Int32(NLMSG_NOOP), NLM_F_REQUEST | NLM_F_ACK) else {
            errors.append(TrafficControlError(operation: "fence", object: "netlink batch", reason: "out of memory"))
            return errors
        }
        let sent = nl_send_auto(handle, fence)
        collector.fence = nlmsg_hdr(fence).pointee.nlmsg_seq
        nlmsg_free(fence)
        if sent < 0 {
            errors.append(.libnl("fence", "netlink batch", code: sent))
            return errors
        }
        if let failure = collector.receive(on: handle) {
            errors.append(failure)
        }
        for reply in collector.failures {
            if let index = bySequence[reply.sequence] {
                let request = requests[index]
                errors.append(TrafficControlError(operation: request.operation, object: request.object,
                                                  reason: reply.reason, errno: reply.errno))
            }
        }
        return errors
    }

    /// One request and its ACK, synchronously; throws the kernel's refusal.
    func executeOne(_ request: NetlinkRequest) throws {
        if let error = execute([request]).first { throw error }
    }
}

/// Collects error replies until the fence's ACK arrives; driven by libnl callbacks.
final class ReplyCollector {
    struct Failure {
        var sequence: UInt32
        var errno: Int32
        var reason: String
    }

    var fence: UInt32 = 0
    var done = false
    var failures: [Failure] = []

    /// Reads replies until the fence is acknowledged; returns an error if reading failed.
    func receive(on socket: OpaquePointer) -> TrafficControlError? {
        guard let callbacks = nl_cb_alloc(NL_CB_DEFAULT) else {
            return TrafficControlError(operation: "receive", object: "netlink batch", reason: "out of memory")
        }
        defer { nl_cb_put(callbacks) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        nl_cb_err(callbacks, NL_CB_CUSTOM, { _, error, argument in
            guard let error, let argument else { return Int32(NL_SKIP.rawValue) }
            let collector = Unmanaged<ReplyCollector>.fromOpaque(argument).takeUnretainedValue()
            collector.record(error)
            return Int32(NL_SKIP.rawValue)
        }, context)
        nl_cb_set(callbacks, NL_CB_ACK, NL_CB_CUSTOM, { message, argument in
            guard let message, let argument else { return Int32(NL_OK.rawValue) }
            let collector = Unmanaged<ReplyCollector>.fromOpaque(argument).takeUnretainedValue()
            if nlmsg_hdr(message).pointee.nlmsg_seq == collector.fence {
                collector.done = true
                return Int32(NL_STOP.rawValue)
            }
            return Int32(NL_OK.rawValue)
        }, context)
        // Pipelined replies arrive out of libnl's expected sequence: accept them all.
        nl_cb_set(callbacks, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, { _, _ in Int32(NL_OK.rawValue) }, nil)
        while !done {
            let rc = nl_recvmsgs(socket, callbacks)
            if rc < 0 && !done {
                return .libnl("receive replies", "netlink batch", code: rc)
            }
        }
        return nil
    }

    fileprivate func record(_ error: UnsafeMutablePointer<nlmsgerr>) {
        let sequence = error.pointee.msg.nlmsg_seq
        let code = -error.pointee.error
        var reason = String(cString: strerror(code))
        if let text = ReplyCollector.extendedAckMessage(error) { reason += ": \(text)" }
        failures.append(Failure(sequence: sequence, errno: code, reason: reason))
        if sequence == fence { done = true }
    }

    /// The kernel's NLMSGERR_ATTR_MSG text, when the reply carries extended-ack TLVs.
    private static func extendedAckMessage(_ error: UnsafeMutablePointer<nlmsgerr>) -> String? {
        let headerSize = MemoryLayout<nlmsghdr>.size
        let outer = UnsafeRawPointer(error) - headerSize
        let header = outer.load(as: nlmsghdr.self)
        guard header.nlmsg_flags & UInt16(NLM_F_ACK_TLVS) != 0 else { return nil }
        var offset = headerSize + MemoryLayout<nlmsgerr>.size
        if header.nlmsg_flags & UInt16(NLM_F_CAPPED) == 0 {
            offset = headerSize + MemoryLayout<Int32>.size + (Int(error.pointee.msg.nlmsg_len) + 3) & ~3
        }
        let total = Int(header.nlmsg_len)
        while offset + 4 <= total {
            let length = Int(outer.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = outer.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, offset + length <= total else { return nil }
            if type == 1 /* NLMSGERR_ATTR_MSG */ {
                let bytes = UnsafeRawBufferPointer(start: outer + offset + 4, count: length - 4)
                return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            offset += (length + 3) & ~3
        }
        return nil
    }
}
