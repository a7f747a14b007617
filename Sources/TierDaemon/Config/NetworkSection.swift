import TrafficControl

/// `[network]`: the devices the enforcer shapes and who is behind them.
public struct NetworkSection: Sendable, Equatable {
    /// The subscriber-facing interfaces, each with its IFB, in config order; never empty.
    /// Written as `interface`/`ifb` (one) or as `[[network.interface]]` entries (one or more).
    /// The first is where users whose users-file row names no interface are shaped.
    public var interfaces: [InterfaceSection]
    /// The first interface: all there is on a gateway with one access side.
    public var interface: String {
        get { interfaces[0].name }
        set { interfaces[0].name = newValue }
    }
    /// The first interface's IFB.
    public var ifb: String {
        get { interfaces[0].ifb }
        set { interfaces[0].ifb = newValue }
    }
    /// Absolute path of the users file (a relative `users_file` is resolved against
    /// the config file's directory).
    public var usersFile: String
    /// No tier may shape below this many bit/s (0 = no floor).
    public var floor: UInt64
    /// Replace a foreign root qdisc on an interface instead of refusing to start.
    public var takeover: Bool
    /// EXTENSION: run inside this named network namespace (`ip netns` name); used by
    /// tests and the demo. nil = the daemon's own namespace.
    public var namespace: String?
    /// Ready classes kept per direction, so that a user who becomes throttled is shaped by an
    /// in-place change instead of waiting for the kernel to create a class
    /// (`ShaperConfiguration.spareClasses`). 0 turns it off. Takes effect at restart.
    public var spareClasses: Int

    /// The interfaces' names, in config order (what a reload compares as `network.interface`).
    public var interfaceNames: [String] { interfaces.map(\.name) }
    /// Their IFBs, in the same order (what a reload compares as `network.ifb`).
    public var ifbNames: [String] { interfaces.map(\.ifb) }

    /// Every device tierd owns: each interface and each IFB, in config order.
    public var devices: [String] {
        var seen: Set<String> = []
        return interfaces.flatMap { [$0.name, $0.ifb] }.filter { seen.insert($0).inserted }
    }

    /// The interface a users-file row is shaped on: the one it names, else the first.
    public func interface(of user: UserRecord) -> String {
        user.interface ?? interfaces[0].name
    }

    public static let defaultSpareClasses = ShaperConfiguration.defaultSpareClasses
    /// Each is a class and a leaf qdisc per direction; 60,000 users plus this many still fit
    /// the ~61,400 leaf handles a device has.
    public static let maxSpareClasses = 1024
    public static let defaultIFB = "ifb-tierd"
    /// 256 kbit/s: catches a "2kbit" typo for "2mbit" before it strangles a user.
    public static let defaultFloor: UInt64 = 256_000

    /// One interface (the `[network] interface`/`ifb` form).
    public init(
        interface: String,
        ifb: String = NetworkSection.defaultIFB,
        usersFile: String,
        floor: UInt64 = NetworkSection.defaultFloor,
        takeover: Bool = false,
        namespace: String? = nil,
        spareClasses: Int = NetworkSection.defaultSpareClasses
    ) {
        self.init(interfaces: [InterfaceSection(name: interface, ifb: ifb)], usersFile: usersFile, floor: floor,
                  takeover: takeover, namespace: namespace, spareClasses: spareClasses)
    }

    /// `interfaces` must not be empty (the config loader guarantees it).
    public init(
        interfaces: [InterfaceSection],
        usersFile: String,
        floor: UInt64 = NetworkSection.defaultFloor,
        takeover: Bool = false,
        namespace: String? = nil,
        spareClasses: Int = NetworkSection.defaultSpareClasses
    ) {
        precondition(!interfaces.isEmpty, "[network] needs at least one interface")
        self.interfaces = interfaces
        self.usersFile = usersFile
        self.floor = floor
        self.takeover = takeover
        self.namespace = namespace
        self.spareClasses = spareClasses
    }
}
