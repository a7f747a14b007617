import Scoring

/// The outcome of parsing one feed line.
public enum FeedLineResult: Sendable, Equatable {
    /// A well-formed event.
    case event(ScoreEvent)
    /// A bad line, with the reason it was refused.
    case rejected(FeedRejectionReason)
    /// An empty or whitespace-only line, a `#` comment, or a CSV header: skipped, not an error.
    case blank
}
