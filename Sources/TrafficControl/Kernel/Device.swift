/// A network device as the shaper needs it: name for messages, index for requests, MTU for
/// bursts, and what it is (an IFB must really be an IFB: redirecting every subscriber's upload
/// to a device that happens to carry the name would blackhole it).
struct Device: Sendable, Equatable {
    var name: String
    var ifindex: Int32
    var mtu: UInt32
    var isUp: Bool
    /// The rtnl link kind ("ifb", "veth", ...); nil for devices without one (most physical NICs).
    var kind: String?
    /// ARPHRD_* type: the classifier reads an Ethernet header, so only ARPHRD_ETHER (1) fits.
    var arpType: UInt32
}
