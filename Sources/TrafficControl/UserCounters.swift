/// Traffic counters of one user's class in one direction, read from the kernel's class stats.
public struct DirectionCounters: Sendable, Equatable {
    public var bytes: UInt64
    public var packets: UInt64
    public var drops: UInt64
    public var overlimits: UInt64

    public init(bytes: UInt64, packets: UInt64, drops: UInt64, overlimits: UInt64) {
        self.bytes = bytes
        self.packets = packets
        self.drops = drops
        self.overlimits = overlimits
    }
}

/// Counters of one user; a direction is nil when the user has no class there (unthrottled).
public struct UserCounters: Sendable, Equatable {
    public var download: DirectionCounters?
    public var upload: DirectionCounters?

    public init(download: DirectionCounters?, upload: DirectionCounters?) {
        self.download = download
        self.upload = upload
    }
}
