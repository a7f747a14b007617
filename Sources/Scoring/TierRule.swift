/// The rule that put a user in their current tier (or caused a tier change).
/// Raw values are the strings shown by `tierctl explain` and written to the audit log.
public enum TierRule: String, Sendable, Codable, CaseIterable {
    /// The score is at or above the tier's `min_score` (and below the next better tier's entry point).
    case threshold
    /// The score qualifies for a better tier, but not by the hysteresis margin.
    case hysteresisHold = "hysteresis-hold"
    /// The score warrants a change, but the user changed tier less than `min_dwell` ago.
    case dwellHold = "dwell-hold"
    /// No event for `stale_after`: back to the default tier (fail open).
    case stale
    /// An operator override.
    case override
    /// The user is listed in `exempt`: best tier.
    case exempt
    /// The user never had a score: default tier.
    case noScore = "no-score"
    /// The user appeared in the users file (audit only: `from` is empty).
    case added
    /// The user disappeared from the users file (audit only: `to` is empty).
    case removed
}
