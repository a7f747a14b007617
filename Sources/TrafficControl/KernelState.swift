/// A qdisc as read back from the kernel.
public struct QdiscState: Sendable, Equatable, Hashable {
    public var handle: UInt32
    public var parent: UInt32
    public var kind: String
    /// Packet limit of fifo leaves; nil for other kinds.
    public var limit: Int?
}

/// An HTB class as read back from the kernel. Rates are bit/s, bursts bytes.
public struct ClassState: Sendable, Equatable, Hashable {
    public var handle: UInt32
    public var parent: UInt32
    public var rate: UInt64
    public var ceil: UInt64
    public var burst: UInt32
    public var cburst: UInt32
    public var quantum: UInt32
}

/// What a u32 filter is for, decoded from its handle and keys.
public enum FilterRole: Sendable, Equatable, Hashable {
    /// A hash table definition (handle "ht:0:0" with a divisor).
    case hashTable
    /// A node in a root hash table: tierd's links into its hash tables, or a match-all.
    case structural
    /// A match on one source or destination address prefix.
    case address(IPPrefix)
}

/// A u32 filter as read back from the kernel.
public struct FilterState: Sendable, Equatable, Hashable {
    /// Handle of the qdisc the filter hangs on.
    public var parent: UInt32
    public var priority: UInt16
    /// Ethertype (ETH_P_IP / ETH_P_IPV6), host order.
    public var proto: UInt16
    public var handle: UInt32
    public var role: FilterRole
    /// The classid the filter sends matches to (nil for hash tables, links and action-only filters).
    public var target: UInt32?
    /// Interface index a mirred action redirects to, if the filter has one.
    public var redirectIfindex: Int?
}

/// Everything tierd owns on one device, read back through netlink.
public struct DirectionState: Sendable, Equatable {
    public var device: String
    public var qdiscs: [QdiscState]
    public var classes: [ClassState]
    public var filters: [FilterState]

    public init(device: String, qdiscs: [QdiscState], classes: [ClassState], filters: [FilterState]) {
        self.device = device
        self.qdiscs = qdiscs
        self.classes = classes
        self.filters = filters
    }

    /// Whether tierd's root HTB (7164:) is the device's root qdisc.
    public var hasTierdRoot: Bool {
        qdiscs.contains { $0.parent == TCHandle.root && $0.handle == Layout.rootHandle && $0.kind == "htb" }
    }

    /// Address filters (not hash tables or links), the part that changes with users.
    public var addressFilters: [FilterState] {
        filters.filter { if case .address = $0.role { return true } else { return false } }
    }
}

/// The kernel's traffic control state for both directions.
public struct KernelState: Sendable, Equatable {
    /// Egress of the interface (keyed on destination address).
    public var download: DirectionState
    /// Egress of the IFB (keyed on source address).
    public var upload: DirectionState
    /// The ingress qdisc's filters on the interface (the mirred redirect to the IFB).
    public var ingressFilters: [FilterState]
    public var hasIngressQdisc: Bool
}
