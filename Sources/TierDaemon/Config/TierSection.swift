/// One `[[tier]]`.
public struct TierSection: Sendable, Equatable {
    public var name: String
    /// Lowest score that qualifies for this tier; nil only for the catch-all (lowest) tier.
    public var minScore: Double?
    /// Download ceiling in bit/s; nil = that direction is unthrottled.
    public var download: UInt64?
    /// Upload ceiling in bit/s; nil = that direction is unthrottled.
    public var upload: UInt64?
    /// Line of the `[[tier]]` header, for messages that point back at the config.
    public var line: Int

    public init(name: String, minScore: Double?, download: UInt64?, upload: UInt64?, line: Int) {
        self.name = name
        self.minScore = minScore
        self.download = download
        self.upload = upload
        self.line = line
    }

    /// Neither direction shaped: users in this tier need no kernel class.
    public var isUnthrottled: Bool { download == nil && upload == nil }
}
