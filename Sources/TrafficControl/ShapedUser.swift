/// The shaping wanted for one user: the daemon's desired state, one entry per user.
///
/// Rates are bit/s. `nil` means unthrottled in that direction, which creates no class at all:
/// every HTB class costs kernel time system-wide (docs/design.md, "Ready classes"), so only throttled users get one.
public struct ShapedUser: Hashable, Sendable {
    public var id: String
    public var addresses: [IPPrefix]
    public var download: UInt64?
    public var upload: UInt64?

    public init(id: String, addresses: [IPPrefix], download: UInt64?, upload: UInt64?) {
        self.id = id
        self.addresses = addresses
        self.download = download
        self.upload = upload
    }
}
