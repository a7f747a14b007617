import Synchronization

/// Reads the class statistics of tierd's two devices on a netlink socket of its own, so
/// that a caller may read them on any thread while the `Shaper` (not Sendable, owned by the
/// daemon's actor) goes on changing the kernel: `tierctl top`'s counters are dumped off the
/// daemon's actor and never wait for, nor hold up, a tier change.
///
/// Reads only; one dump at a time (the socket is behind a mutex).
public final class ClassCounterReader: Sendable {
    private let configuration: ShaperConfiguration
    private let socket: Mutex<NetlinkSocket>

    /// Opens the socket, inside `configuration.namespace` when given.
    public init(_ configuration: ShaperConfiguration) throws {
        self.configuration = configuration
        socket = Mutex(try NetlinkSocket(namespace: configuration.namespace))
    }

    /// Counters of every HTB class by handle, per direction (the interface's classes are the
    /// download, the IFB's the upload). A device that does not exist has no classes.
    public func read() throws -> (download: [UInt32: DirectionCounters], upload: [UInt32: DirectionCounters]) {
        try socket.withLock { socket in
            let reader = KernelReader(socket: socket)
            func stats(_ name: String) throws -> [UInt32: DirectionCounters] {
                try reader.device(named: name).map { try reader.classes(of: $0).stats } ?? [:]
            }
            return (try stats(configuration.interface), try stats(configuration.ifb))
        }
    }
}
