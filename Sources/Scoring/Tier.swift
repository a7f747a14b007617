/// One bandwidth tier as configured.
///
/// Tiers are ordered by `minScore`: a user belongs to the tier with the highest
/// `minScore` not above their score. Exactly one tier has no `minScore`: it is the
/// catch-all, and the lowest tier. Rates are in bit/s; `nil` means "not shaped".
public struct TierDefinition: Sendable, Equatable, Codable {
    public var name: String
    public var minScore: Double?
    public var download: UInt64?
    public var upload: UInt64?

    /// A tier with no rates needs no kernel class at all (traffic falls to the default class).
    public var isUnthrottled: Bool { download == nil && upload == nil }

    public init(name: String, minScore: Double? = nil, download: UInt64? = nil, upload: UInt64? = nil) {
        self.name = name
        self.minScore = minScore
        self.download = download
        self.upload = upload
    }
}
