import TrafficControl

/// `[network]`: the devices the enforcer shapes and who is behind them.
public struct NetworkSection: Sendable, Equatable {
    /// Subscriber-facing device; its egress is the download direction.
    public var interface: String
    /// IFB device for the upload direction (created if missing).
    public var ifb: String
    /// Absolute path of the users file (a relative `users_file` is resolved against
    /// the config file's directory).
    public var usersFile: String
    /// No tier may shape below this many bit/s (0 = no floor).
    public var floor: UInt64
    /// Replace a foreign root qdisc on `interface` instead of refusing to start.
    public var takeover: Bool
    /// EXTENSION: run inside this named network namespace (`ip netns` name); used by
    /// tests and the demo. nil = the daemon's own namespace.
    public var namespace: String?
    /// Ready classes kept per direction, so that a user who becomes throttled is shaped by an
    /// in-place change instead of waiting for the kernel to create a class
    /// (`ShaperConfiguration.spareClasses`). 0 turns it off. Takes effect at restart.
    public var spareClasses: Int

    public static let defaultSpareClasses = ShaperConfiguration.defaultSpareClasses
    /// Each is a class and a leaf qdisc per direction; 60,000 users plus this many still fit
    /// the ~61,400 leaf handles a device has.
    public static let maxSpareClasses = 1024
    public static let defaultIFB = "ifb-tierd"
    /// 256 kbit/s: catches a "2kbit" typo for "2mbit" before it strangles a user.
    public static let defaultFloor: UInt64 = 256_000

    public init(
        interface: String,
        ifb: String = NetworkSection.defaultIFB,
        usersFile: String,
        floor: UInt64 = NetworkSection.defaultFloor,
        takeover: Bool = false,
        namespace: String? = nil,
        spareClasses: Int = NetworkSection.defaultSpareClasses
    ) {
        self.interface = interface
        self.ifb = ifb
        self.usersFile = usersFile
        self.floor = floor
        self.takeover = takeover
        self.namespace = namespace
        self.spareClasses = spareClasses
    }
}
