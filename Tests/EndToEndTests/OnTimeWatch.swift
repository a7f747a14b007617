import Foundation
import Testing

/// Watches a change that time alone causes, from outside the daemon, and checks that it
/// happened on time: not before its due instant, and at most `slack` after it.
///
/// Each sample records when it started and ended. A sample that *ended* before the due
/// instant must show the old state (else the change came early), and a sample that
/// *started* `slack` or more after it must show the new state (else it came late). Both
/// sets must be non-empty, so the check cannot pass by not looking.
struct OnTimeWatch {
    struct Sample {
        let started: Double
        let ended: Double
        /// Whether the sample saw the state the change leads to.
        let changed: Bool
        let detail: String
    }

    let due: Double
    var slack = 1.0
    private(set) var samples: [Sample] = []

    init(due: Double, slack: Double = 1.0) {
        self.due = due
        self.slack = slack
    }

    /// Samples every 50 ms until `slack + 0.5` s after the due instant, and on until a sample
    /// has started `slack` after it (a slow sample on a loaded machine must not leave the
    /// late side unchecked; bounded at 5 s more). `probe` returns whether the new state is
    /// visible, and text to show when the check fails.
    mutating func run(_ probe: () throws -> (changed: Bool, detail: String)) rethrows {
        let end = due + slack + 0.5
        let limit = end + 5
        while true {
            let now = Date().timeIntervalSince1970
            if now >= limit || (now >= end && !late.isEmpty) { break }
            let started = Date().timeIntervalSince1970
            let (changed, detail) = try probe()
            samples.append(Sample(started: started, ended: Date().timeIntervalSince1970, changed: changed, detail: detail))
            usleep(50_000)
        }
    }

    /// Instants are printed with milliseconds; allow for that rounding, nothing more.
    private static let printedPrecision = 0.002

    var early: [Sample] { samples.filter { $0.ended < due - Self.printedPrecision } }
    var late: [Sample] { samples.filter { $0.started >= due + slack } }

    /// Seconds from the due instant to the end of the first sample that saw the change.
    var observedLatency: Double? { samples.first(where: \.changed).map { $0.ended - due } }

    func expectOnTime(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!early.isEmpty, "\(what): no sample before the due instant", sourceLocation: sourceLocation)
        #expect(!late.isEmpty, "\(what): no sample after due + \(slack)s", sourceLocation: sourceLocation)
        if let bad = early.first(where: \.changed) {
            Issue.record("\(what): changed \(due - bad.ended)s before it was due: \(bad.detail)", sourceLocation: sourceLocation)
        }
        if let bad = late.first(where: { !$0.changed }) {
            Issue.record("\(what): not changed \(bad.started - due)s after it was due: \(bad.detail)", sourceLocation: sourceLocation)
        }
    }
}
