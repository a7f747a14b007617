import Feed
import FeedParsing
import Scoring

/// Everything tierd must remember across a restart, written as one unit so that scores and
/// the feed position always agree: after a crash, reading resumes exactly after the last
/// line whose effect is in the scores (no delta applied twice, none skipped).
public struct StateSnapshot: Codable, Sendable {
    /// Bumped when the format changes incompatibly; an unknown version is refused, not guessed.
    public static let currentVersion = 1

    public var version: Int
    public var writtenAt: Double
    public var scoring: ScoringSnapshot
    /// The feed file this position belongs to; a position for another path is ignored.
    public var feedFilePath: String?
    public var feedFilePosition: FeedFilePosition?
    /// How far the socket-feed journal has been folded into `scoring`.
    public var journal: JournalMark

    public init(writtenAt: Double, scoring: ScoringSnapshot, feedFilePath: String?, feedFilePosition: FeedFilePosition?, journal: JournalMark) {
        self.version = Self.currentVersion
        self.writtenAt = writtenAt
        self.scoring = scoring
        self.feedFilePath = feedFilePath
        self.feedFilePosition = feedFilePosition
        self.journal = journal
    }
}

/// A point in the journal: all generations before `generation` are fully applied, and the
/// first `lines` lines of generation `generation`.
public struct JournalMark: Codable, Sendable, Equatable {
    public var generation: UInt64
    public var lines: UInt64
    public init(generation: UInt64 = 1, lines: UInt64 = 0) {
        self.generation = generation
        self.lines = lines
    }
}
