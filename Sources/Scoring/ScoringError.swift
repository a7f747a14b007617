/// Why an operator request (override) was refused.
public enum ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownUser(String)
    case unknownTier(String)
    /// The expiry is not after `now`: such an override would never be in effect.
    case expiryNotInFuture(until: Double, now: Double)

    public var description: String {
        switch self {
        case .unknownUser(let u): "unknown user \"\(u)\""
        case .unknownTier(let t): "unknown tier \"\(t)\""
        case .expiryNotInFuture(let until, let now): "override expiry \(until) is not after now (\(now))"
        }
    }
}
