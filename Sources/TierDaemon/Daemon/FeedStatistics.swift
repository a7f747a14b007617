import Feed
import FeedParsing
import Logging

/// What the daemon counted about feed input, for `health`, metrics and logs. Rejected
/// lines are logged with their line number, at most `logBudgetPerMinute` per minute so a
/// hostile producer cannot flood the journal; the counters always count everything.
struct FeedStatistics: Sendable {
    static let logBudgetPerMinute = 20

    var applied = 0
    var outOfOrder = 0
    var unknownUsers = 0
    var rejected: [FeedRejectionReason: Int] = [:]
    var lastRejection: String?
    private var logWindowStart = 0.0
    private var loggedInWindow = 0
    private var suppressedInWindow = 0

    var rejectedTotal: Int { rejected.values.reduce(0, +) }

    mutating func record(rejections: [FeedLineRejection], source: FeedSourceKind, logger: Logger, now: Double) {
        guard !rejections.isEmpty else { return }
        if now - logWindowStart >= 60 {
            if suppressedInWindow > 0 {
                logger.warning("feed lines rejected without a log line", metadata: ["count": "\(suppressedInWindow)"])
            }
            logWindowStart = now
            loggedInWindow = 0
            suppressedInWindow = 0
        }
        for rejection in rejections {
            rejected[rejection.reason, default: 0] += 1
            lastRejection = "\(source.rawValue) line \(rejection.line): \(rejection.reason.rawValue)"
            if loggedInWindow < Self.logBudgetPerMinute {
                loggedInWindow += 1
                logger.warning(
                    "feed line rejected",
                    metadata: ["source": "\(source.rawValue)", "line": "\(rejection.line)", "reason": "\(rejection.reason.rawValue)"])
            } else {
                suppressedInWindow += 1
            }
        }
    }
}
