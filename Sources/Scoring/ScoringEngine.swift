import HeapModule

/// The scoring core: per-user scores, decay, tier rules, overrides, and the schedule of
/// changes caused by time alone. Pure: no I/O, every call is given the current instant.
///
/// A value type (`struct`) with copy-on-write storage: the daemon keeps one in its state
/// and mutates it in place; a copy is a consistent snapshot of the engine. Not thread-safe
/// by itself: mutate it from one isolation domain (it is `Sendable`, so it can be handed over).
///
/// Per-user state is dense (an array of 48-byte records indexed by an interned user index,
/// a dictionary from id to index), and each user's next due instant sits in a min-heap
/// with lazy invalidation, so `advance(to:)` touches only users whose time has come.
public struct ScoringEngine: Sendable {
    public internal(set) var policy: ScoringPolicy
    var rules: TierRules
    var ids: [String] = []
    var records: [UserRecord] = []
    var index: [String: Int32] = [:]
    var freeSlots: [Int32] = []
    var overrides: [Int32: TierOverride] = [:]
    var queue = Heap<DueEntry>()
    public internal(set) var counters = ScoringCounters()
    /// The latest instant the engine was told about; recorded in snapshots so a restored
    /// engine can compute due instants from the moment its state was consistent.
    var clock: Double

    /// - Parameters:
    ///   - users: known user ids (the users file); everyone starts on the default tier
    ///     with no score (exempt users on the best tier).
    ///   - now: seconds since the Unix epoch.
    public init(policy: ScoringPolicy, users: some Sequence<String>, now: Double) {
        self.policy = policy
        self.rules = TierRules(policy: policy)
        self.clock = now
        for id in users where index[id] == nil {
            _ = insertUser(id, at: now)
        }
    }

    /// Number of tracked users.
    public var userCount: Int { index.count }

    /// All tracked user ids (unordered).
    public var userIDs: Dictionary<String, Int32>.Keys { index.keys }

    /// Calls `body` with every tracked user's id and tier name; no allocation per user.
    public func forEachUser(_ body: (_ user: String, _ tier: String) throws -> Void) rethrows {
        for slot in records.indices where records[slot].isLive {
            try body(ids[slot], policy.tiers[Int(records[slot].tier)].name)
        }
    }

    /// Every tracked user's (id, tier) pair.
    public var tiersByUser: [(user: String, tier: String)] {
        var result: [(user: String, tier: String)] = []
        result.reserveCapacity(index.count)
        forEachUser { result.append((user: $0, tier: $1)) }
        return result
    }

    /// The user's current tier name, nil for an unknown user.
    public func tier(of user: String) -> String? {
        guard let slot = index[user] else { return nil }
        return policy.tiers[Int(records[Int(slot)].tier)].name
    }

    /// The user's current tier definition (rates), nil for an unknown user.
    public func tierDefinition(of user: String) -> TierDefinition? {
        guard let slot = index[user] else { return nil }
        return policy.tiers[Int(records[Int(slot)].tier)]
    }

    /// When the daemon should call `advance(to:)` next: never later than the earliest
    /// change caused by time alone (it may be earlier when the earliest queued entry was
    /// invalidated; `advance` then returns nothing and discards it). nil = nothing scheduled.
    public var nextDue: Double? {
        queue.min?.due
    }

    // MARK: Events

    /// Applies one feed event at `now`. Events without a timestamp happen at `now` (or at the
    /// user's last event time, if that is later, so they are never "out of order"); a
    /// timestamped event older than the user's last applied event is ignored and counted.
    public mutating func apply(_ event: ScoreEvent, now: Double) -> ApplyOutcome {
        guard let found = index[event.user] else {
            counters.unknownUser += 1
            return .unknownUser
        }
        let slot = Int(found)
        let value: Double
        switch event.change {
        case .set(let v), .delta(let v): value = v
        }
        guard value.isFinite, event.timestamp?.isFinite ?? true, now.isFinite else {
            counters.rejected += 1
            return .rejected(reason: "non-finite score, delta or timestamp")
        }
        var record = records[slot]
        let time: Double
        if let timestamp = event.timestamp {
            if record.hasScore, timestamp < record.scoreAt {
                counters.ignoredOutOfOrder += 1
                return .ignoredOutOfOrder
            }
            time = timestamp
        } else {
            time = record.hasScore ? max(now, record.scoreAt) : now
        }
        let newRaw: Double
        switch event.change {
        case .set(let v):
            newRaw = v
        case .delta(let d):
            newRaw = (rules.score(of: record, at: time) ?? policy.baseline) + d
        }
        guard newRaw.isFinite else {
            counters.rejected += 1
            return .rejected(reason: "score overflow")
        }
        record.raw = newRaw
        record.scoreAt = time
        records[slot] = record
        counters.applied += 1
        clock = max(clock, now)
        return .applied(evaluate(slot, at: now, reason: event.reason))
    }

    // MARK: Time

    /// Applies every change caused by time alone up to `now`, each at its exact due instant,
    /// in chronological order. Pops only due users: never scans all users.
    public mutating func advance(to now: Double) -> [TierChange] {
        var changes: [TierChange] = []
        while let top = queue.min, top.due <= now {
            queue.removeMin()
            let slot = Int(top.user)
            guard slot < records.count, records[slot].isLive, records[slot].queued == top.due else { continue }
            records[slot].queued = .infinity
            let due = records[slot].due
            if due > top.due {
                // Queued early (the user's due moved later since): requeue at the real instant.
                enqueue(slot, due)
                continue
            }
            if let change = evaluate(slot, at: due, reason: nil) { changes.append(change) }
        }
        clock = max(clock, now)
        compactQueueIfNeeded()
        return changes
    }

    // MARK: Internals

    /// Re-applies the rules to one user at `time`, records any tier change, and schedules the
    /// user's next due instant.
    mutating func evaluate(_ slot: Int, at time: Double, reason: String?, from previousName: String? = nil) -> TierChange? {
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
        let fromName = previousName ?? policy.tiers[Int(record.tier)].name
        let toName = policy.tiers[decision.tier].name
        var change: TierChange?
        if fromName != toName {
            change = TierChange(
                user: ids[slot], from: fromName, to: toName, at: time,
                score: rules.score(of: record, at: time), rule: decision.rule, reason: reason)
            counters.tierChanges += 1
        }
        if decision.tier != Int(record.tier) || change != nil {
            record.tier = UInt8(decision.tier)
            record.since = time
        }
        record.basis = decision.basis
        let due = rules.nextDue(record, override: override, at: time)?.at ?? .infinity
        record.due = due
        records[slot] = record
        if due < record.queued { enqueue(slot, due) }
        return change
    }

    mutating func enqueue(_ slot: Int, _ due: Double) {
        guard due.isFinite else { return }
        queue.insert(DueEntry(due: due, user: Int32(slot)))
        records[slot].queued = due
    }

    /// Stale entries accumulate when due instants move earlier or users leave; rebuild the
    /// heap from the live records (O(n) heapify) once they dominate.
    mutating func compactQueueIfNeeded() {
        guard queue.count > 2 * index.count + 1024 else { return }
        rebuildQueue()
    }

    mutating func rebuildQueue() {
        var entries: [DueEntry] = []
        entries.reserveCapacity(index.count)
        for slot in records.indices where records[slot].isLive {
            let due = records[slot].due
            records[slot].queued = due
            if due.isFinite { entries.append(DueEntry(due: due, user: Int32(slot))) }
        }
        queue = Heap(entries)
    }

    func activeOverride(_ slot: Int) -> TierRules.ActiveOverride? {
        guard records[slot].flags.contains(.overridden), let stored = overrides[Int32(slot)],
              let tier = policy.tierIndex(named: stored.tier) else { return nil }
        return TierRules.ActiveOverride(tier: tier, until: stored.until)
    }

    /// Adds a user with no score at `time`; returns its slot.
    mutating func insertUser(_ id: String, at time: Double) -> Int {
        var record = UserRecord(since: time, tier: UInt8(rules.defaultTier), basis: .noScore)
        record.flags = policy.exempt.contains(id) ? [.live, .exempt] : [.live]
        if policy.exempt.contains(id) {
            record.tier = 0
            record.basis = .exempt
        }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = Int(free)
            ids[slot] = id
            records[slot] = record
        } else {
            slot = records.count
            ids.append(id)
            records.append(record)
        }
        index[id] = Int32(slot)
        return slot
    }

    mutating func removeUser(slot: Int) {
        index[ids[slot]] = nil
        overrides[Int32(slot)] = nil
        ids[slot] = ""
        records[slot].flags = []
        records[slot].due = .infinity
        records[slot].queued = .infinity
        freeSlots.append(Int32(slot))
    }
}
