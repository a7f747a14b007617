/// A network device as the shaper needs it: name for messages, index for requests, MTU for bursts.
struct Device: Sendable, Equatable {
    var name: String
    var ifindex: Int32
    var mtu: UInt32
    var isUp: Bool
}
