import TrafficControl

/// One row of the users file: who a user is on the wire and, optionally, which local
/// account may read that user's status.
public struct UserRecord: Sendable, Equatable {
    public var id: String
    /// In file order; never empty.
    public var addresses: [IPPrefix]
    /// The `unix_user` column as written; nil when empty or absent.
    public var unixUser: String?
    /// `unixUser`'s uid from getpwnam; nil when there is no such account (a warning,
    /// not an error: the account may be created later, the name is kept).
    public var uid: UInt32?
    /// 1-based line in the users file.
    public var line: Int
    /// The `interface` column as written: the configured interface the user is behind; nil
    /// when empty or absent, which means the first interface (`NetworkSection.interface(of:)`).
    public var interface: String?

    public init(id: String, addresses: [IPPrefix], unixUser: String?, uid: UInt32?, line: Int, interface: String? = nil) {
        self.id = id
        self.addresses = addresses
        self.unixUser = unixUser
        self.uid = uid
        self.line = line
        self.interface = interface
    }

    /// True when a `unix_user` is named but no such account exists.
    public var hasUnknownAccount: Bool { unixUser != nil && uid == nil }
}
