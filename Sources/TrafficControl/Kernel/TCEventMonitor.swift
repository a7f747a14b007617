import CNetlink
import Glibc

/// Listens to the kernel's traffic control and link notifications (RTNLGRP_TC, RTNLGRP_LINK)
/// in the shaper's namespace, so drift (someone's `tc class del`, a deleted qdisc, a detached
/// classifier, the interface going away or coming back) is seen as it happens instead of at
/// the next periodic reconcile. Map entries changed by hand raise no notification: the
/// periodic reconcile repairs those.
///
/// Notifications caused by the shapers' own sockets (one per interface) carry their ports
/// and are dropped here, so a large converge of tierd's own does not wake anyone up.
///
/// `@unchecked Sendable`: it is created on one thread and then used by exactly one reading
/// thread (`waitForForeignChange` is not reentrant); the state is the socket and a constant.
public final class TCEventMonitor: @unchecked Sendable {
    private let socket: OpaquePointer
    private let ignoredPorts: Set<UInt32>
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    /// Opens a NETLINK_ROUTE socket in `namespace` (or the caller's) subscribed to RTNLGRP_TC.
    public init(namespace: String?, ignoringPorts: Set<UInt32>) throws {
        ignoredPorts = ignoringPorts
        let connect = { () throws -> OpaquePointer in
            guard let socket = nl_socket_alloc() else {
                throw TrafficControlError(operation: "allocate", object: "tc monitor socket", reason: "out of memory")
            }
            var rc = nl_connect(socket, Int32(NETLINK_ROUTE))
            if rc >= 0 { rc = nl_socket_add_membership(socket, Int32(RTNLGRP_TC.rawValue)) }
            if rc >= 0 { rc = nl_socket_add_membership(socket, Int32(RTNLGRP_LINK.rawValue)) }
            if rc < 0 {
                nl_socket_free(socket)
                throw TrafficControlError.libnl("subscribe", "tc notifications", code: rc)
            }
            var size: Int32 = 8 << 20
            // Big bursts (tierd's own converge) must not overflow it; best effort above rmem_max.
            _ = setsockopt(nl_socket_get_fd(socket), SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size))
            return socket
        }
        if let namespace {
            socket = try NamespaceOpener.open(namespace: namespace, connect)
        } else {
            socket = try connect()
        }
    }

    deinit { nl_socket_free(socket) }

    /// Blocks until a change not made through an ignored port arrives, or `timeout` passes
    /// (then returns []). After the first such change it keeps collecting for `settle`, so an
    /// administrator's burst of commands becomes one batch (and one reconcile).
    public func waitForForeignChange(timeout: Duration, settle: Duration) throws -> [TCEvent] {
        let clock = ContinuousClock()
        var deadline = clock.now + timeout
        var events: [TCEvent] = []
        let fd = nl_socket_get_fd(socket)
        while true {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return events }
            let milliseconds = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw TrafficControlError(operation: "poll", object: "tc monitor socket", reason: String(cString: strerror(errno)), errno: errno)
            }
            if ready == 0 { continue }
            let before = events.count
            try drain(fd, into: &events)
            if before == 0 && !events.isEmpty { deadline = clock.now + settle }
        }
    }

    /// Reads every queued datagram without blocking.
    private func drain(_ fd: Int32, into events: inout [TCEvent]) throws {
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if received < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR: continue
                case ENOBUFS:
                    events.append(TCEvent(kind: .eventsLost, ifindex: 0, handle: 0, parent: 0, port: 0))
                    continue
                default:
                    throw TrafficControlError(operation: "receive", object: "tc monitor socket", reason: String(cString: strerror(errno)), errno: errno)
                }
            }
            buffer.withUnsafeBytes { parse(UnsafeRawBufferPointer(rebasing: $0.prefix(received)), into: &events) }
        }
    }

    /// Walks the netlink messages of one datagram: nlmsghdr (16 bytes), then struct tcmsg.
    private func parse(_ bytes: UnsafeRawBufferPointer, into events: inout [TCEvent]) {
        let base = 0
        var offset = 0
        while offset + 16 <= bytes.count {
            let length = Int(bytes.loadUnaligned(fromByteOffset: base + offset, as: UInt32.self))
            guard length >= 16, offset + length <= bytes.count else { return }
            let type = bytes.loadUnaligned(fromByteOffset: base + offset + 4, as: UInt16.self)
            let port = bytes.loadUnaligned(fromByteOffset: base + offset + 12, as: UInt32.self)
            if let kind = TCEvent.Kind(messageType: type), !ignoredPorts.contains(port), length >= 16 + 16 {
                let body = base + offset + 16
                events.append(TCEvent(kind: kind, ifindex: bytes.loadUnaligned(fromByteOffset: body + 4, as: Int32.self),
                                      handle: bytes.loadUnaligned(fromByteOffset: body + 8, as: UInt32.self),
                                      parent: bytes.loadUnaligned(fromByteOffset: body + 12, as: UInt32.self), port: port))
            }
            offset += (length + 3) & ~3
        }
    }
}
