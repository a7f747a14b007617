extension ScoringEngine {
    /// Puts `user` on `tier` by hand until `until` (exclusive; nil = until cleared). The
    /// override wins over every rule; when it ends the computed tier applies again,
    /// placed by plain thresholds. Returns the resulting tier change, if any.
    @discardableResult
    public mutating func setOverride(user: String, tier: String, until: Double?, reason: String?, now: Double) throws(ScoringError) -> TierChange? {
        guard let found = slot(of: user).map(Int32.init) else { throw .unknownUser(user) }
        guard policy.tiers.index(named: tier) != nil else { throw .unknownTier(tier) }
        if let until, !(until > now) { throw .expiryNotInFuture(until: until, now: now) }
        let slot = Int(found)
        overrides[found] = TierOverride(tier: tier, until: until, reason: reason, setAt: now)
        records[slot].flags.insert(.overridden)
        clock = max(clock, now)
        return evaluate(slot, at: now, reason: reason)
    }

    /// Removes the user's override (if any); the computed tier applies again at once.
    @discardableResult
    public mutating func clearOverride(user: String, now: Double) -> TierChange? {
        guard let found = slot(of: user).map(Int32.init), overrides[found] != nil else { return nil }
        let slot = Int(found)
        overrides[found] = nil
        records[slot].flags.remove(.overridden)
        clock = max(clock, now)
        return evaluate(slot, at: now, reason: "override cleared")
    }

    /// The user's override, if one is set (it may have expired but not yet been
    /// processed by `advance`; see `until`).
    public func override(of user: String) -> TierOverride? {
        slot(of: user).map(Int32.init).flatMap { overrides[$0] }
    }

    /// Every current override by user id.
    public var allOverrides: [String: TierOverride] {
        Dictionary(uniqueKeysWithValues: overrides.map { (ids[Int($0.key)], $0.value) })
    }
}
