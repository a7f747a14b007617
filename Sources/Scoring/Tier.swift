/// One bandwidth tier: an entry of the `TierTable`.
///
/// A user belongs to the tier with the highest `minScore` not above their score; the one
/// tier without `minScore` is the catch-all, and the lowest. Rates are in bit/s, `nil`
/// meaning "not shaped". An entry read from a `TierTable` has its rates raised to the
/// table's floor, so whoever holds one (scoring, enforcement, status, explain) shapes and
/// shows the same rate without applying the floor again.
public struct Tier: Sendable, Hashable, Codable {
    public let name: String
    public let minScore: Double?
    public let download: UInt64?
    public let upload: UInt64?

    public init(name: String, minScore: Double? = nil, download: UInt64? = nil, upload: UInt64? = nil) {
        self.name = name
        self.minScore = minScore
        self.download = download
        self.upload = upload
    }

    /// Whether users in this tier are shaped at all: a tier without rates needs no kernel
    /// class (its traffic falls to the unshaped default).
    public var throttles: Bool { download != nil || upload != nil }

    /// This tier with each rate raised to `floor` (fail open: faster, never slower).
    func raised(to floor: UInt64) -> Tier {
        Tier(name: name, minScore: minScore, download: download.map { max($0, floor) }, upload: upload.map { max($0, floor) })
    }
}
