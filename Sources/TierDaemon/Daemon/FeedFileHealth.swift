import Feed
import Logging

/// Whether the file feed can read its file, for `health`, metrics and the log.
///
/// A feed file problem (the path became a directory, a FIFO or a device, permission
/// denied, an I/O error, the directory removed) must never stop the daemon: shaping stays
/// as it is, the source is reported failed here, and it recovers by itself when a regular
/// file is back. Someone who can flip the path back and forth could otherwise write to
/// the journal as fast as they flip it, so state changes are logged at most
/// `logBudgetPerMinute` times a minute; the rest are counted and summed up in the next
/// line logged, and the metrics count every failure.
struct FeedFileHealth: Sendable {
    static let logBudgetPerMinute = 10

    /// Why the source cannot read now, nil while it follows the file.
    private(set) var failure: String?
    /// When the current failure began.
    private(set) var failedSince: Double?
    /// Times the source went from following to failed (or from one failure to another).
    private(set) var failures = 0
    private var logWindowStart = -Double.infinity
    private var loggedInWindow = 0
    private var suppressed = 0

    /// Records the follower's new state (`nil`: following again) and logs it, within budget.
    mutating func update(_ error: FeedFileError?, path: String, logger: Logger, now: Double) {
        let reason = error?.description
        guard reason != failure else { return }
        if reason != nil {
            failures += 1
            if failure == nil { failedSince = now }
        } else {
            failedSince = nil
        }
        failure = reason
        if now - logWindowStart >= 60 {
            logWindowStart = now
            loggedInWindow = 0
        }
        guard loggedInWindow < Self.logBudgetPerMinute else {
            suppressed += 1
            return
        }
        loggedInWindow += 1
        var metadata: Logger.Metadata = ["path": "\(path)"]
        if suppressed > 0 { metadata["unlogged_changes"] = "\(suppressed)" }
        suppressed = 0
        if let reason {
            metadata["reason"] = "\(reason)"
            logger.error("feed file source failed; shaping stays as it is, waiting for a regular file", metadata: metadata)
        } else {
            logger.notice("feed file source following again", metadata: metadata)
        }
    }
}
