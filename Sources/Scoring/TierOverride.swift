/// An operator's manual tier for one user. It wins over every rule until `until`
/// (exclusive) or until cleared; it survives restarts through the snapshot.
public struct TierOverride: Sendable, Equatable, Codable {
    public var tier: String
    /// Expiry instant; nil = until cleared.
    public var until: Double?
    public var reason: String?
    /// When it was set.
    public var setAt: Double

    public init(tier: String, until: Double?, reason: String?, setAt: Double) {
        self.tier = tier
        self.until = until
        self.reason = reason
        self.setAt = setAt
    }

    /// Active at `time` iff not yet expired.
    func isActive(at time: Double) -> Bool {
        guard let until else { return true }
        return time < until
    }
}
