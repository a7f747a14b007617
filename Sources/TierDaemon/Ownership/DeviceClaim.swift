import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Exclusive use of one network device, in its network namespace, for the life of the
/// process: a listening Unix socket bound to the abstract name `tierd/<netns inode>/<device>`.
///
/// Why an abstract socket: its name lives in the network namespace, which is exactly the
/// scope of a device name (`eth1` in two namespaces is two devices); it needs no directory
/// and no cleanup, because it vanishes with the process however the process ends. It is
/// created inside the configured namespace (`[network] namespace`) so that a tierd started
/// with `ip netns exec NS` and one configured with `namespace = "NS"` meet on the same name.
///
/// A second tierd's bind fails with EADDRINUSE; it then connects and learns the owner's PID
/// from SO_PEERCRED. The owner accepts and closes such probes, so its backlog never fills.
/// `ss -xlp | grep tierd/` shows who holds which device.
final class DeviceClaim {
    let name: String
    private let source: any DispatchSourceRead
    private let closed = DispatchSemaphore(value: 0)

    private init(name: String, fd: Int32) {
        self.name = name
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global(qos: .utility))
        source.setEventHandler(handler: {
            while true {
                // The listening socket is non-blocking: this drains what is queued, then stops.
                let probe = accept(fd, nil, nil)
                if probe < 0 { break }
                close(probe)
            }
        })
        source.setCancelHandler(handler: { [closed] in
            close(fd)
            closed.signal()
        })
        source.resume()
    }

    /// Releases the name before returning (the socket is closed by the source's cancel
    /// handler, the only safe place while it is being watched).
    deinit {
        source.cancel()
        closed.wait()
    }

    /// The abstract name for `device` in the namespace whose nsfs inode is `namespaceInode`.
    static func abstractName(device: String, namespaceInode: UInt64) -> String {
        "tierd/\(namespaceInode)/\(device)"
    }

    /// Claims each device, in order, in `namespace` (nil: this process's own).
    static func acquire(devices: [String], namespace: String?) throws(OwnershipError) -> [DeviceClaim] {
        let nsPath = namespace.map(NetworkNamespaceThread.path(of:)) ?? "/proc/self/ns/net"
        var info = stat()
        guard stat(nsPath, &info) == 0 else { throw .system(call: "stat", path: nsPath, errno: errno) }
        let inode = UInt64(info.st_ino)
        let location = namespace.map { " in network namespace \($0)" } ?? ""
        var claims: [DeviceClaim] = []
        for device in devices {
            let name = abstractName(device: device, namespaceInode: inode)
            let outcome: Outcome
            if let namespace {
                outcome = try NetworkNamespaceThread.run(in: namespace) { claim(name) }
            } else {
                outcome = claim(name)
            }
            switch outcome {
            case .claimed(let fd):
                claims.append(DeviceClaim(name: name, fd: fd))
            case .held(let pid):
                throw .heldByAnother(what: "device \(device)\(location) (@\(name))", pid: pid)
            case .failed(let call, let code):
                throw .system(call: call, path: "@" + name, errno: code)
            }
        }
        return claims
    }

    private enum Outcome {
        case claimed(Int32)
        case held(pid: Int32?)
        case failed(call: String, errno: Int32)
    }

    /// Binds and listens; on EADDRINUSE asks the owner's PID. An owner that exits between the
    /// two leaves the name free: try again (a few times, then report it as held).
    private static func claim(_ name: String) -> Outcome {
        for _ in 0..<3 {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return .failed(call: "socket", errno: errno) }
            let (unbound, length) = abstractAddress(name)
            var address = unbound
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            if bound == 0 {
                guard listen(fd, 16) == 0 else {
                    let code = errno
                    close(fd)
                    return .failed(call: "listen", errno: code)
                }
                return .claimed(fd)
            }
            let code = errno
            close(fd)
            guard code == EADDRINUSE else { return .failed(call: "bind", errno: code) }
            switch ownerPID(name) {
            case .some(let pid): return .held(pid: pid)
            case .none: continue  // the owner went away: the name may be free now
            }
        }
        return .held(pid: nil)
    }

    /// Connects to the owner and reads its credentials. nil: nobody listens any more;
    /// `.some(nil)`: someone does, but its PID is not visible from here.
    private static func ownerPID(_ name: String) -> Int32?? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .some(nil) }
        defer { close(fd) }
        let (target, length) = abstractAddress(name)
        var address = target
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        if connected != 0 { return errno == ECONNREFUSED ? nil : .some(nil) }
        // struct ucred: pid, uid, gid (Glibc declares it only under _GNU_SOURCE).
        var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
        var size = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0, credentials.0 > 0 else { return .some(nil) }
        return .some(credentials.0)
    }

    /// sockaddr_un for an abstract name: a leading NUL, no terminator, exact length.
    private static func abstractAddress(_ name: String) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = [0] + Array(name.utf8.prefix(MemoryLayout.size(ofValue: address.sun_path) - 1))
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return (address, socklen_t(MemoryLayout<sa_family_t>.size + bytes.count))
    }
}
