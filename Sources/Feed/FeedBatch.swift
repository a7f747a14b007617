import FeedParsing
import Scoring

/// A run of consecutive lines read from the feed file, handed to the daemon at once so
/// it can make them durable and apply them with one journal write.
public struct FeedBatch: Sendable, Equatable {
    /// The accepted events, in file order.
    public var events: [ScoreEvent]
    /// The line number of each event (same order), so a refusal decided later (a
    /// `future_timestamp`) can still name its line.
    public var eventLines: [Int]
    /// The rejected lines, in file order.
    public var rejections: [FeedLineRejection]
    /// Blank lines, comments and headers skipped in this batch.
    public var blankLines: Int
    /// The position after this batch: persist it once the events are durable.
    public var position: FeedFilePosition

    public init(
        events: [ScoreEvent] = [], eventLines: [Int]? = nil, rejections: [FeedLineRejection] = [], blankLines: Int = 0,
        position: FeedFilePosition
    ) {
        self.events = events
        self.eventLines = eventLines ?? Array(repeating: 0, count: events.count)
        self.rejections = rejections
        self.blankLines = blankLines
        self.position = position
    }
}
