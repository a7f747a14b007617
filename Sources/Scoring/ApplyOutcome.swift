/// What `ScoringEngine.apply` did with an event.
public enum ApplyOutcome: Sendable, Equatable {
    /// The score was updated; the tier change it caused, if any.
    case applied(TierChange?)
    /// The event's timestamp is older than the last applied event for that user.
    case ignoredOutOfOrder
    /// The event's timestamp lies more than `ScoringPolicy.maxFutureSkew` after `now`;
    /// nothing was changed (counted in `ScoringCounters.rejected`).
    case futureTimestamp
    /// The user is not in the users file.
    case unknownUser
    /// The event carries a non-finite value or timestamp (the feed should never send one).
    case rejected(reason: String)
}
