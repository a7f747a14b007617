import HeapModule

/// Changes caused by time alone: the due-instant heap and its processing.
extension ScoringEngine {
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
}
