/// Where the shaper works: the subscriber-facing interface, the IFB it owns for upload,
/// and optionally a named network namespace (`/var/run/netns/NAME`) to program instead of the caller's.
public struct ShaperConfiguration: Sendable {
    public var interface: String
    public var ifb: String
    public var namespace: String?
    /// Replace a root qdisc tierd did not create. Off by default: silently destroying an
    /// operator's shaping would be worse than refusing to start.
    public var takeover: Bool

    public init(interface: String, ifb: String, namespace: String? = nil, takeover: Bool = false) {
        self.interface = interface
        self.ifb = ifb
        self.namespace = namespace
        self.takeover = takeover
    }
}
