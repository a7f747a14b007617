/// One subscriber-facing interface and the IFB its upload is shaped on: a pair that tierd
/// programs as a unit (`Shaper`). A gateway with several access sides has several.
public struct InterfaceSection: Sendable, Hashable {
    /// Subscriber-facing device; its egress is the download direction.
    public var name: String
    /// IFB device for this interface's upload direction (created if missing). Each interface
    /// needs its own: the classifier on an interface redirects upload to exactly one IFB.
    public var ifb: String

    public init(name: String, ifb: String = NetworkSection.defaultIFB) {
        self.name = name
        self.ifb = ifb
    }
}
