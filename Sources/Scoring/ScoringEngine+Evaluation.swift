/// Applying the rules to one user at one instant, and recording the outcome.
extension ScoringEngine {
    /// Re-applies the rules to one user at `time`, records any tier change, and schedules the
    /// user's next due instant. `previous` is the user's tier in the policy before a reload
    /// (whose table may number the tiers differently).
    mutating func evaluate(_ slot: Int, at time: Double, reason: String?, from previous: Tier? = nil) -> TierChange? {
        evaluations += 1
        var reason = reason
        var override = activeOverride(slot)
        if let active = override, !active.isActive(at: time) {
            overrides[Int32(slot)] = nil
            records[slot].flags.remove(.overridden)
            override = nil
            reason = reason ?? "override expired"
        }
        var record = records[slot]
        let decision = rules.decide(record, override: override, at: time)
        // Compare indices on the hot path; names only when a change is reported (or when a
        // policy reload renumbered the tiers and the old name is passed in).
        let changed = previous.map { $0.name != policy.tiers[decision.tier].name } ?? (decision.tier != Int(record.tier))
        var change: TierChange?
        if changed {
            change = TierChange(
                user: ids[slot], from: previous ?? policy.tiers[Int(record.tier)],
                to: policy.tiers[decision.tier], at: time,
                score: rules.score(of: record, at: time), rule: decision.rule, reason: reason)
        }
        if changed || decision.tier != Int(record.tier) {
            record.tier = UInt8(decision.tier)
            record.since = time
        }
        record.basis = decision.basis
        let next = rules.nextDue(record, override: override, at: time, settled: decision)
        let due = next?.at ?? .infinity
        record.due = due
        record.dueReason = next?.reason ?? .pending
        records[slot] = record
        if due < record.queued { enqueue(slot, due) }
        return change
    }

    func activeOverride(_ slot: Int) -> TierRules.ActiveOverride? {
        guard records[slot].flags.contains(.overridden), let stored = overrides[Int32(slot)],
              let tier = policy.tiers.index(named: stored.tier) else { return nil }
        return TierRules.ActiveOverride(tier: tier, until: stored.until)
    }
}
