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
    var records: [UserRecord] = []
    /// User id per slot ("" for a free slot); kept apart from the records so that copying
    /// a record is a plain memory copy (no reference counting).
    var ids: [String] = []
    var directory: UserDirectory
    var freeSlots: [Int32] = []
    var overrides: [Int32: TierOverride] = [:]
    var queue = Heap<DueEntry>()
    public internal(set) var counters = ScoringCounters()
    /// The latest instant the engine was told about; recorded in snapshots so a restored
    /// engine can compute due instants from the moment its state was consistent.
    var clock: Double
    /// Receives a value computed from the records `apply(contentsOf:)` touches ahead of use,
    /// so the optimiser cannot drop those loads (their only purpose is to start cache misses).
    var prefetchSink: UInt8 = 0

    /// - Parameters:
    ///   - users: known user ids (the users file); everyone starts on the default tier
    ///     with no score (exempt users on the best tier).
    ///   - now: seconds since the Unix epoch.
    public init(policy: ScoringPolicy, users: some Sequence<String>, now: Double) {
        self.policy = policy
        self.rules = TierRules(policy: policy)
        self.clock = now
        let ids = Array(users)
        self.directory = UserDirectory(capacity: ids.count)
        records.reserveCapacity(ids.count)
        self.ids.reserveCapacity(ids.count)
        for id in ids where slot(of: id) == nil {
            _ = insertUser(id, at: now)
        }
    }

    /// The dense slot of a tracked user.
    @inline(__always)
    func slot(of user: String) -> Int? {
        ids.withUnsafeBufferPointer { ids in
            directory.slot(of: user) { ids[$0] }
        }
    }

    /// Number of tracked users.
    public var userCount: Int { directory.count }

    /// All tracked user ids (unordered).
    public var userIDs: [String] {
        records.indices.compactMap { records[$0].isLive ? ids[$0] : nil }
    }

    /// Calls `body` with every tracked user's id and tier name; no allocation per user.
    public func forEachUser(_ body: (_ user: String, _ tier: String) throws -> Void) rethrows {
        for slot in records.indices where records[slot].isLive {
            try body(ids[slot], policy.tiers[Int(records[slot].tier)].name)
        }
    }

    /// Every tracked user's (id, tier) pair.
    public var tiersByUser: [(user: String, tier: String)] {
        var result: [(user: String, tier: String)] = []
        result.reserveCapacity(directory.count)
        forEachUser { result.append((user: $0, tier: $1)) }
        return result
    }

    /// The user's current tier name, nil for an unknown user.
    public func tier(of user: String) -> String? {
        guard let slot = slot(of: user) else { return nil }
        return policy.tiers[Int(records[slot].tier)].name
    }

    /// The user's current tier definition (rates), nil for an unknown user.
    public func tierDefinition(of user: String) -> TierDefinition? {
        guard let slot = slot(of: user) else { return nil }
        return policy.tiers[Int(records[slot].tier)]
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
        apply(event, slot: slot(of: event.user), now: now)
    }

    /// Applies a batch of events at `now`, in order; same semantics as `apply(_:now:)`
    /// event by event, with one outcome per event. Faster than one call per event: user
    /// lookups are done a few events ahead, so their cache misses overlap instead of
    /// queueing one behind the other. Feed sources should hand over what they read at once.
    public mutating func apply(contentsOf events: some Collection<ScoreEvent>, now: Double) -> [ApplyOutcome] {
        var outcomes: [ApplyOutcome] = []
        outcomes.reserveCapacity(events.count)
        let window = 16
        var slots = [Int](repeating: -1, count: window)
        var hashes = [UInt64](repeating: 0, count: window)
        var chunkStart = events.startIndex
        while chunkStart != events.endIndex {
            let chunkEnd = events.index(chunkStart, offsetBy: window, limitedBy: events.endIndex) ?? events.endIndex
            let chunk = events[chunkStart..<chunkEnd]
            prefetchSink = lookUp(chunk, hashes: &hashes, slots: &slots)
            var position = 0
            for event in chunk {
                let slot = slots[position]
                outcomes.append(apply(event, slot: slot >= 0 ? slot : nil, now: now))
                position += 1
            }
            chunkStart = chunkEnd
        }
        return outcomes
    }

    /// Resolves the slots of up to `slots.count` events in stages (hash all, load all home
    /// buckets, load all candidate records, confirm), each stage a short loop of independent
    /// loads, so the CPU overlaps the cache misses of the whole window.
    private func lookUp(_ chunk: some Collection<ScoreEvent>, hashes: inout [UInt64], slots: inout [Int]) -> UInt8 {
        var position = 0
        for event in chunk {
            hashes[position] = directory.hash(of: event.user)
            position += 1
        }
        let count = position
        for k in 0..<count {
            slots[k] = directory.candidate(hash: hashes[k], homeEntry: directory.homeEntry(for: hashes[k])) ?? -1
        }
        // Touch each candidate's record so its miss overlaps the others' (the sum is
        // returned only to keep the loads from being optimised away).
        var touched: UInt8 = 0
        records.withUnsafeBufferPointer { records in
            // A 48-byte record may straddle two cache lines: touch its first and last fields.
            for k in 0..<count where slots[k] >= 0 {
                touched &+= UInt8(truncatingIfNeeded: records[slots[k]].raw.bitPattern) &+ records[slots[k]].tier
            }
        }
        ids.withUnsafeBufferPointer { ids in
            position = 0
            for event in chunk {
                let candidate = slots[position] >= 0 ? slots[position] : nil
                slots[position] = directory.slot(of: event.user, hash: hashes[position], candidate: candidate) {
                    ids[$0]
                } ?? -1
                position += 1
            }
        }
        return touched
    }

    private mutating func apply(_ event: ScoreEvent, slot: Int?, now: Double) -> ApplyOutcome {
        guard let slot else {
            counters.unknownUser += 1
            return .unknownUser
        }
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
            if let change = evaluate(slot, at: due, reason: records[slot].dueReason.changeReason) { changes.append(change) }
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
        let next = rules.nextDue(record, override: override, at: time)
        let due = next?.at ?? .infinity
        record.due = due
        record.dueReason = next?.reason ?? .pending
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
        guard queue.count > 2 * directory.count + 1024 else { return }
        rebuildQueue()
    }

    mutating func rebuildQueue() {
        var entries: [DueEntry] = []
        entries.reserveCapacity(directory.count)
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
