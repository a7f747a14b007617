import HeapModule

extension ScoringEngine {
    /// Users file reload: adds new ids (no score, default tier; exempt ones on the best
    /// tier) and forgets ids no longer listed, with their scores and overrides.
    /// Returns one `.added` change (no `from`) per new user and one `.removed` change
    /// (no `to`) per dropped user, for the audit log and the enforcer.
    public mutating func setUsers(_ newIDs: some Sequence<String>, now: Double) -> [TierChange] {
        let wanted = Set(newIDs)
        var changes: [TierChange] = []
        for slot in records.indices where records[slot].isLive && !wanted.contains(ids[slot]) {
            let record = records[slot]
            changes.append(TierChange(
                user: ids[slot], from: policy.tiers[Int(record.tier)], to: nil, at: now,
                score: rules.score(of: record, at: now), rule: .removed, reason: nil))
            removeUser(slot: slot)
        }
        for id in wanted where slot(of: id) == nil {
            let slot = insertUser(id, at: now)
            let record = records[slot]
            changes.append(TierChange(
                user: id, from: nil, to: policy.tiers[Int(record.tier)], at: now,
                score: nil, rule: .added, reason: nil))
        }
        clock = max(clock, now)
        compactQueueIfNeeded()
        return changes
    }

    /// Config reload: re-applies the new rules to every user at `now` (an O(users) pass,
    /// acceptable on reload only). Tiers are matched by name; a user whose tier vanished is
    /// placed afresh immediately, otherwise hysteresis and dwell still apply. Overrides
    /// naming a vanished tier are dropped. Returns every resulting tier change.
    public mutating func updatePolicy(_ newPolicy: ScoringPolicy, now: Double) -> [TierChange] {
        let oldTiers = policy.tiers
        let remap = oldTiers.map { newPolicy.tiers.index(named: $0.name) }
        policy = newPolicy
        rules = TierRules(policy: newPolicy)
        for (key, stored) in overrides where newPolicy.tiers.index(named: stored.tier) == nil {
            overrides[key] = nil
            records[Int(key)].flags.remove(.overridden)
        }
        var changes: [TierChange] = []
        queue = Heap()
        for slot in records.indices where records[slot].isLive {
            var record = records[slot]
            let oldTier = oldTiers[Int(record.tier)]
            if newPolicy.exempt.contains(ids[slot]) { record.flags.insert(.exempt) } else { record.flags.remove(.exempt) }
            if let mapped = remap[Int(record.tier)] {
                record.tier = UInt8(mapped)
            } else {
                record.tier = UInt8(rules.defaultTier)
                record.basis = .unplaced
            }
            record.due = .infinity
            record.queued = .infinity
            records[slot] = record
            if let change = evaluate(slot, at: now, reason: "config reload", from: oldTier) { changes.append(change) }
        }
        clock = max(clock, now)
        return changes
    }

    /// Adds a user with no score at `time`; returns its slot.
    mutating func insertUser(_ id: String, at time: Double) -> Int {
        var record = UserSlot(since: time, tier: UInt8(rules.defaultTier), basis: .noScore)
        record.flags = [.live]
        if !policy.exempt.isEmpty, policy.exempt.contains(id) {
            record.flags.insert(.exempt)
            record.tier = 0
            record.basis = .exempt
        }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = Int(free)
            records[slot] = record
            ids[slot] = id
        } else {
            slot = records.count
            records.append(record)
            ids.append(id)
        }
        ids.withUnsafeBufferPointer { ids in
            directory.insert(id, slot: slot) { ids[$0] }
        }
        return slot
    }

    mutating func removeUser(slot: Int) {
        directory.remove(ids[slot], slot: slot)
        overrides[Int32(slot)] = nil
        ids[slot] = ""
        records[slot].flags = []
        records[slot].due = .infinity
        records[slot].queued = .infinity
        freeSlots.append(Int32(slot))
    }
}
