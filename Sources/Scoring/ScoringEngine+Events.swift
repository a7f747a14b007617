/// Feed events: one at a time, or in batches with overlapped lookups.
extension ScoringEngine {
    /// Applies one feed event at `now`. Events without a timestamp happen at `now` (or at the
    /// user's last event time, if that is later, so they are never "out of order"); a
    /// timestamped event older than the user's last applied event is ignored and counted;
    /// one stamped more than `policy.maxFutureSkew` after `now` is refused (`futureTimestamp`).
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
    func lookUp(_ chunk: some Collection<ScoreEvent>, hashes: inout [UInt64], slots: inout [Int]) -> UInt8 {
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

    mutating func apply(_ event: ScoreEvent, slot: Int?, now: Double) -> ApplyOutcome {
        guard let slot else {
            return .unknownUser
        }
        let value: Double
        switch event.change {
        case .set(let v), .delta(let v): value = v
        }
        guard value.isFinite, event.timestamp?.isFinite ?? true, now.isFinite else {
            return .rejected(reason: "non-finite score, delta or timestamp")
        }
        guard policy.acceptsTimestamp(event.timestamp, now: now) else {
            return .futureTimestamp
        }
        var record = records[slot]
        let time: Double
        if let timestamp = event.timestamp {
            if record.hasScore, timestamp < record.scoreAt {
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
            return .rejected(reason: "score overflow")
        }
        record.raw = newRaw
        record.scoreAt = time
        records[slot] = record
        clock = max(clock, now)
        return .applied(evaluate(slot, at: now, reason: event.reason))
    }
}
