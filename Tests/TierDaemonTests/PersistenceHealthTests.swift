import Foundation
import Glibc
import Logging
import Synchronization
import Testing
@testable import TierDaemon

/// A failing write is retried every second; the log must not repeat it every time.
struct PersistenceHealthTests {
    final class Capture: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct CaptureHandler: LogHandler {
        let capture: Capture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let extra = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.lines.withLock { $0.append("\(event.level) \(event.message) \(extra)") }
        }
    }

    let full = PersistenceError(path: "/s/state.json", cause: .errno(ENOSPC))

    @Test func aRepeatedFailureIsLoggedOnceAMinuteAndHealthClearsOnSuccess() {
        let capture = Capture()
        let logger = Logger(label: "test") { _ in CaptureHandler(capture: capture) }
        var health = PersistenceHealth()
        for second in 0..<300 {  // five minutes of retries, five times a second
            health.failed(.state, full, now: Double(second) / 5, logger: logger)
        }
        #expect(!health.isHealthy)
        #expect(health.problems(describingTime: { "t\(Int($0))" })
            == ["state not durable since t0 (300 failed writes): /s/state.json: No space left on device (errno 28)"])
        let logged = capture.lines.withLock { $0 }
        #expect(logged.count == 1, "\(logged)")  // 60 s of retries: the first line only
        // Another reason is logged at once; the same file failing for the same reason is not.
        health.failed(.state, PersistenceError(path: "/s", cause: .symbolicLink), now: 61, logger: logger)
        health.failed(.state, PersistenceError(path: "/s/journal-2.jsonl", cause: .symbolicLink), now: 61.2, logger: logger)
        health.failed(.state, full, now: 200, logger: logger)
        #expect(capture.lines.withLock { $0.count } == 3)
        health.succeeded(.state, now: 201, logger: logger)
        #expect(health.isHealthy)
        #expect(capture.lines.withLock { $0.last?.hasPrefix("notice state writes work again") } == true)
    }
}
