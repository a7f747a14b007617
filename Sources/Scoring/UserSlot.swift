/// The compact per-user state, stored densely in an array indexed by the interned user index.
///
/// 48 bytes per user, plain data (the id is kept in a parallel array so copying a record
/// needs no reference counting). Scores and instants stay `Double` because wall-clock
/// timestamps need it and the budget (512 bytes/user) allows it; tier and basis are single bytes.
struct UserSlot: Sendable {
    /// Raw score as last set, valid only when `hasScore`.
    var raw: Double = 0
    /// Time of the last applied event (the decay origin and the staleness clock); NaN = never.
    var scoreAt: Double = .nan
    /// Instant of the last tier change: the dwell clock.
    var since: Double
    /// When the next change caused by time alone is due; +infinity = none.
    var due: Double = .infinity
    /// Earliest `due` currently queued in the heap for this user; +infinity = none.
    /// Entries that do not match it are stale and skipped (lazy invalidation).
    var queued: Double = .infinity
    /// Why `due` is due: becomes the reason of the tier change it causes, so the audit log
    /// says "decayed", "dwell ended" or "stale" for changes no event carried a reason for.
    /// One byte, in what was padding: the record stays 48 bytes.
    var dueReason: DueReason = .pending
    /// Index into the policy's tiers (0 = best).
    var tier: UInt8
    var basis: TierBasis
    var flags: Flags = []

    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        static let live = Flags(rawValue: 1)
        static let exempt = Flags(rawValue: 2)
        static let overridden = Flags(rawValue: 4)
    }

    var hasScore: Bool { !scoreAt.isNaN }
    var isLive: Bool { flags.contains(.live) }
}
