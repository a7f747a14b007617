/// One subscriber-facing interface in `health` (EXTENSION):
/// `{"name":"eth1","ifb":"ifb-eth1","users":80,"throttled":5,"kernel_in_sync":true}`.
///
/// On a gateway with several access sides, says which one is behind: `kernel_in_sync` is
/// false while that interface's part of the last pass left errors (its device gone, a refused
/// class), whose messages are in the report's `errors`.
public struct InterfaceHealth: Sendable, Hashable, Codable {
    public var name: String
    public var ifb: String
    /// Users whose users-file row places them on this interface.
    public var users: Int
    /// Of those, users whose tier throttles at least one direction.
    public var throttled: Int
    public var kernelInSync: Bool

    enum CodingKeys: String, CodingKey {
        case name, ifb, users, throttled
        case kernelInSync = "kernel_in_sync"
    }

    public init(name: String, ifb: String, users: Int, throttled: Int, kernelInSync: Bool) {
        self.name = name
        self.ifb = ifb
        self.users = users
        self.throttled = throttled
        self.kernelInSync = kernelInSync
    }
}
