import Synchronization

/// Reads the class statistics of tierd's devices (each interface and its IFB) on a netlink
/// socket of its own, so
/// that a caller may read them on any thread while the `Shaper` (not Sendable, owned by the
/// daemon's actor) goes on changing the kernel: `tierctl top`'s counters are dumped off the
/// daemon's actor and never wait for, nor hold up, a tier change.
///
/// Reads only; one dump at a time (the socket is behind a mutex).
public final class ClassCounterReader: Sendable {
    /// One interface's classes by handle, per direction.
    public typealias InterfaceCounters = (download: [UInt32: DirectionCounters], upload: [UInt32: DirectionCounters])

    private let configurations: [ShaperConfiguration]
    private let socket: Mutex<NetlinkSocket>

    /// Opens the socket, inside the configurations' namespace when given (the daemon's
    /// interfaces all live in one namespace).
    public init(_ configurations: [ShaperConfiguration]) throws {
        self.configurations = configurations
        socket = Mutex(try NetlinkSocket(namespace: configurations.first?.namespace))
    }

    /// Counters of every HTB class by handle, per interface (in the configurations' order)
    /// and direction (the interface's classes are the download, its IFB's the upload). A
    /// device that does not exist has no classes.
    public func read() throws -> [InterfaceCounters] {
        try socket.withLock { socket in
            let reader = KernelReader(socket: socket)
            func stats(_ name: String) throws -> [UInt32: DirectionCounters] {
                try reader.device(named: name).map { try reader.classStatistics(of: $0) } ?? [:]
            }
            return try configurations.map { (try stats($0.interface), try stats($0.ifb)) }
        }
    }
}
