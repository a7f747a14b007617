import HeapModule

/// The scoring core: per-user scores, decay, tier rules, overrides, and the schedule of
/// changes caused by time alone. Pure: no I/O, every call is given the current instant.
///
/// A value type (`struct`) with copy-on-write storage: the daemon keeps one in its state
/// and mutates it in place; a copy is a consistent snapshot of the engine. Not thread-safe
/// by itself: mutate it from one isolation domain (it is `Sendable`, so it can be handed over).
///
/// Rules, in precedence order (see `TierRules.decide`):
/// 1. an active override (until its expiry, exclusive);
/// 2. `exempt` users: the best tier (the first, normally unthrottled);
/// 3. no score yet: `defaultTier` (rule `no-score`);
/// 4. no event for `staleAfter` (measured from the last event's time, its `ts` if it had
///    one): `defaultTier` (rule `stale`, fail open);
/// 5. the decayed score: down at once when below the current tier's `minScore`; up only
///    at `minScore + hysteresis` of a better tier; no score-driven change within
///    `minDwell` of the last change (a change still warranted then happens exactly then).
/// A user coming out of 1-4 (override cleared or expired, exemption lifted, first score,
/// fresh event after staleness) is placed by plain thresholds at once: hysteresis and
/// dwell only hold a tier that the score itself chose.
///
/// Per-user state is dense (an array of 48-byte records indexed by an interned user index,
/// a compact hash directory from id to index), and each user's next due instant sits in a min-heap
/// with lazy invalidation, so `advance(to:)` touches only users whose time has come.
public struct ScoringEngine: Sendable {
    public internal(set) var policy: ScoringPolicy
    var rules: TierRules
    var records: [UserSlot] = []
    /// User id per slot ("" for a free slot); kept apart from the records so that copying
    /// a record is a plain memory copy (no reference counting).
    var ids: [String] = []
    var directory: UserDirectory
    var freeSlots: [Int32] = []
    var overrides: [Int32: TierOverride] = [:]
    var queue = Heap<DueEntry>()
    /// Users evaluated so far (per event, due instant, override or reload). Outcomes are
    /// counted by the daemon from what the engine returns; this one count is the engine's
    /// own, read by the tests that check time handling works per due user, never per
    /// tracked user.
    var evaluations = 0
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

    /// Calls `body` with every tracked user's id and tier; no allocation per user.
    public func forEachUser(_ body: (_ user: String, _ tier: Tier) throws -> Void) rethrows {
        for slot in records.indices where records[slot].isLive {
            try body(ids[slot], policy.tiers[Int(records[slot].tier)])
        }
    }

    /// Every tracked user's (id, tier) pair.
    public var tiersByUser: [(user: String, tier: Tier)] {
        var result: [(user: String, tier: Tier)] = []
        result.reserveCapacity(directory.count)
        forEachUser { result.append((user: $0, tier: $1)) }
        return result
    }

    /// Number of users in each tier (every tier listed, zeros included), for metrics.
    /// One pass over the dense records: cheap enough per scrape even at 1M users.
    public var tierPopulation: [String: Int] {
        var counts = [Int](repeating: 0, count: policy.tiers.count)
        for record in records where record.isLive { counts[Int(record.tier)] += 1 }
        return Dictionary(uniqueKeysWithValues: zip(policy.tiers.map(\.name), counts))
    }

    /// The user's current tier (name, threshold, rates after the floor), nil for an unknown user.
    public func tier(of user: String) -> Tier? {
        guard let slot = slot(of: user) else { return nil }
        return policy.tiers[Int(records[slot].tier)]
    }

    /// When the daemon should call `advance(to:)` next: never later than the earliest
    /// change caused by time alone (it may be earlier when the earliest queued entry was
    /// invalidated; `advance` then returns nothing and discards it). nil = nothing scheduled.
    public var nextDue: Double? {
        queue.min?.due
    }
}
