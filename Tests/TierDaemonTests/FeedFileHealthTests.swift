import Feed
import Logging
import Synchronization
import Testing
@testable import TierDaemon

/// The file feed's failed/following state as health and the log see it.
@Suite struct FeedFileHealthTests {
    let directory = FeedFileError.notARegularFile(path: "/f", kind: "directory")
    let fifo = FeedFileError.notARegularFile(path: "/f", kind: "FIFO")

    @Test func failureKeepsItsStartAcrossReasonChangesAndClearsOnRecovery() {
        let log = CapturedLog()
        var health = FeedFileHealth()
        health.update(directory, path: "/f", logger: log.logger, now: 100)
        #expect(health.failure == "/f is a directory, not a regular file")
        #expect(health.failedSince == 100)
        health.update(directory, path: "/f", logger: log.logger, now: 101)
        #expect(health.failures == 1, "the same failure again is not a new one")
        health.update(fifo, path: "/f", logger: log.logger, now: 102)
        #expect(health.failures == 2)
        #expect(health.failedSince == 100)
        health.update(nil, path: "/f", logger: log.logger, now: 103)
        #expect(health.failure == nil && health.failedSince == nil)
        #expect(log.lines.count == 3)
        #expect(log.lines.first?.contains("reason=/f is a directory, not a regular file") == true)
        #expect(log.lines.last?.contains("following again") == true)
    }

    /// Someone flipping the path between a directory and a file 5 times a second gets
    /// a bounded number of log lines; every failure is still counted.
    @Test func flappingIsCountedButTheLogIsRateLimited() {
        let log = CapturedLog()
        var health = FeedFileHealth()
        var now = 0.0
        for _ in 0..<150 {
            health.update(directory, path: "/f", logger: log.logger, now: now)
            health.update(nil, path: "/f", logger: log.logger, now: now + 0.1)
            now += 0.2
        }
        #expect(health.failures == 150)
        #expect(log.lines.count == FeedFileHealth.logBudgetPerMinute)
        health.update(directory, path: "/f", logger: log.logger, now: now + 60)
        #expect(log.lines.count == FeedFileHealth.logBudgetPerMinute + 1)
        #expect(log.lines.last?.contains("unlogged_changes=\(300 - FeedFileHealth.logBudgetPerMinute)") == true, "\(log.lines.last ?? "")")
    }
}

/// A logger whose lines (message and sorted metadata) are kept for inspection.
final class CapturedLog: Sendable {
    private let store = Mutex<[String]>([])

    var lines: [String] { store.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test") { _ in CapturingHandler(log: self) }
    }

    func append(_ line: String) { store.withLock { $0.append(line) } }

    struct CapturingHandler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.append(([event.message.description] + merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }).joined(separator: " "))
        }
    }
}
