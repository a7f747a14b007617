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

/// A tc filter as read back from the kernel (any kind; tierd's own are cls_bpf).
public struct FilterState: Sendable, Equatable, Hashable {
    /// The qdisc (or clsact hook, `TCHandle.clsactEgress` / `clsactIngress`) it hangs on.
    public var parent: UInt32
    public var priority: UInt16
    /// Ethertype, host order (ETH_P_ALL for tierd's filters).
    public var proto: UInt16
    public var handle: UInt32
    public var kind: String
    /// cls_bpf: the program's name as the filter was given it, its kernel id, and the classid
    /// major the filter's direct-action verdicts are relative to.
    public var programName: String?
    public var programID: UInt32?
    public var classid: UInt32?
    /// u32 (tierd's earlier layout): the address prefix the filter matches, with `classid`
    /// its class. Read only to keep classes across the upgrade (`LegacyU32Binding`).
    public var legacyPrefix: IPPrefix?

    /// Whether this is one of tierd's classifier filters (any version).
    public var isTierd: Bool {
        kind == "bpf" && priority == Layout.filterPriority && programName.flatMap(Classifier.program(named:)) != nil
    }
}

/// Everything tierd owns on one device, read back from the kernel.
public struct DirectionState: Sendable, Equatable {
    public var device: String
    public var qdiscs: [QdiscState]
    public var classes: [ClassState]
    /// Filters on tierd's HTB qdiscs (its own classifier at the root; anything else is
    /// left over, from an older tierd's u32 layout or from someone else, and goes).
    public var filters: [FilterState]
    /// The direction's address maps: prefix -> class handle (empty when no classifier is attached).
    public var entries: [IPPrefix: UInt32]

    public init(device: String, qdiscs: [QdiscState], classes: [ClassState], filters: [FilterState], entries: [IPPrefix: UInt32]) {
        self.device = device
        self.qdiscs = qdiscs
        self.classes = classes
        self.filters = filters
        self.entries = entries
    }

    /// Whether tierd's root HTB (7164:) is the device's root qdisc.
    public var hasTierdRoot: Bool {
        qdiscs.contains { $0.parent == TCHandle.root && $0.handle == Layout.rootHandle && $0.kind == "htb" }
    }
}

/// The kernel's traffic control state for both directions.
public struct KernelState: Sendable, Equatable {
    /// Egress of the interface (keyed on destination address).
    public var download: DirectionState
    /// Egress of the IFB (keyed on source address).
    public var upload: DirectionState
    /// The filters of the interface's clsact hooks (tierd_down on egress, tierd_up on ingress).
    public var hooks: [FilterState]
    /// The kind of the interface's ingress-side qdisc ("clsact", "ingress"), nil when none.
    public var ingressQdiscKind: String?
}
