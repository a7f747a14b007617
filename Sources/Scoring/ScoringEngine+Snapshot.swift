extension ScoringEngine {
    /// The whole state, for the daemon to persist.
    public func snapshot() -> ScoringSnapshot {
        var users: [ScoringSnapshot.User] = []
        users.reserveCapacity(directory.count)
        for slot in records.indices where records[slot].isLive {
            let record = records[slot]
            users.append(ScoringSnapshot.User(
                id: ids[slot], tier: policy.tiers[Int(record.tier)].name, since: record.since,
                rawScore: record.hasScore ? record.raw : nil,
                scoreAt: record.hasScore ? record.scoreAt : nil,
                override: overrides[Int32(slot)], basis: record.basis))
        }
        return ScoringSnapshot(version: 1, takenAt: clock, users: users)
    }

    /// Restores a persisted state for the current users file and policy. Snapshot users no
    /// longer listed are dropped; listed users missing from the snapshot start fresh; a
    /// tier that no longer exists is re-placed; a score stamped beyond `maxFutureSkew` after
    /// `now` is taken as set at `now`. Changes that fell due while the daemon was
    /// down are not applied here: the first `advance(to: now)` returns them, each stamped
    /// with the instant it became due (never before the snapshot was taken).
    public init(policy: ScoringPolicy, users: some Sequence<String>, snapshot: ScoringSnapshot, now: Double) {
        self.init(policy: policy, users: users, now: now)
        let from = snapshot.takenAt
        for saved in snapshot.users {
            guard let found = slot(of: saved.id).map(Int32.init) else { continue }
            let slot = Int(found)
            var record = records[slot]
            if let raw = saved.rawScore, let at = saved.scoreAt, raw.isFinite, at.isFinite {
                record.raw = raw
                // A last event time beyond what `apply` accepts now can only come from an
                // event stamped in the future before that was refused: it would keep every
                // later event "out of order", so the score counts as set now.
                record.scoreAt = policy.acceptsTimestamp(at, now: now) ? at : now
            }
            record.since = saved.since
            if let tier = policy.tiers.index(named: saved.tier) {
                record.tier = UInt8(tier)
                record.basis = saved.basis
            } else {
                record.basis = .unplaced
            }
            if let override = saved.override, policy.tiers.index(named: override.tier) != nil {
                overrides[found] = override
                record.flags.insert(.overridden)
            }
            records[slot] = record
        }
        for slot in records.indices where records[slot].isLive {
            let due = rules.nextDue(records[slot], override: activeOverride(slot), at: min(from, now))
            records[slot].due = due?.at ?? .infinity
            records[slot].dueReason = due?.reason ?? .pending
        }
        clock = max(now, from)
        rebuildQueue()
    }
}
