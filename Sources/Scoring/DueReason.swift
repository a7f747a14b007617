/// Why a user's tier may change at a future instant without any new event.
public enum DueReason: String, Sendable, Codable {
    /// The decaying score crosses a threshold (down, or up by the hysteresis margin).
    case decayCrossing = "decay-crossing"
    /// A change already warranted by the score is held until `min_dwell` ends.
    case dwellEnd = "dwell-end"
    /// No event for `stale_after`: the user falls back to the default tier.
    case stale
    /// The override expires and the computed tier applies again.
    case overrideExpiry = "override-expiry"
    /// The state is inconsistent with the rules right now (e.g. restored after downtime).
    case pending
}

extension DueReason {
    /// The reason recorded with a tier change this due instant causes (audit log, logs).
    /// nil for `pending`: such a change was caused by whatever made the state inconsistent.
    var changeReason: String? {
        switch self {
        case .decayCrossing: "score decayed across a threshold"
        case .dwellEnd: "min_dwell ended"
        case .stale: "no event for stale_after"
        case .overrideExpiry: "override expired"
        case .pending: nil
        }
    }
}

/// An instant at which a user's placement is re-evaluated, and why.
struct DueInstant: Sendable, Equatable {
    var at: Double
    var reason: DueReason
}
