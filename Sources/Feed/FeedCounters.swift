import FeedParsing
/// Running totals of what one feed source has seen, for metrics and `status`.
///
/// Rejections are counted by reason so an operator can tell a broken producer
/// (`malformed_json` climbing) from hostile input (`bad_user_id`, `nul_byte`).
public struct FeedCounters: Sendable, Codable, Equatable {
    public var accepted: Int
    public var rejected: [FeedRejectionReason: Int]
    public var blank: Int

    public init(accepted: Int = 0, rejected: [FeedRejectionReason: Int] = [:], blank: Int = 0) {
        self.accepted = accepted
        self.rejected = rejected
        self.blank = blank
    }

    /// All rejected lines, whatever the reason.
    public var rejectedTotal: Int { rejected.values.reduce(0, +) }

    /// Counts one parsed line.
    public mutating func record(_ result: FeedLineResult) {
        switch result {
        case .event: accepted += 1
        case .rejected(let reason): rejected[reason, default: 0] += 1
        case .blank: blank += 1
        }
    }

    /// Adds the lines of a file batch.
    public mutating func record(_ batch: FeedBatch) {
        accepted += batch.events.count
        blank += batch.blankLines
        for rejection in batch.rejections { rejected[rejection.reason, default: 0] += 1 }
    }
}
