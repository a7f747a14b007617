import Control
import FeedParsing
import Scoring

/// What one feed socket connection has sent so far: lines cut by the splitter (so a line
/// over the limit is never buffered), events waiting to be handed to the daemon, and the
/// counts for the reply and for the daemon's rejection counters. Pure; the server drives it from network reads.
struct FeedSocketSession {
    private let parser: FeedLineParser
    private let maxReportedErrors: Int
    private var splitter: FeedLineSplitter
    private(set) var pendingEvents: [ScoreEvent] = []
    /// The line number of each pending event.
    private var pendingLines: [Int] = []
    private(set) var accepted = 0
    /// Every rejected line by reason (the parser's and the daemon's refusals); `errors` holds
    /// only the first few.
    private(set) var rejectedByReason: [FeedRejectionReason: Int] = [:]
    private(set) var errors: [FeedLineRejection] = []

    init(parser: FeedLineParser, maxReportedErrors: Int) {
        self.parser = parser
        self.maxReportedErrors = maxReportedErrors
        self.splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
    }

    /// Takes in the next bytes received.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        let parser = self.parser
        var results: [(Int, FeedLineResult)] = []
        splitter.split(bytes) { number, line in results.append((number, Self.parse(line, parser))) }
        for (number, result) in results { record(number, result) }
    }

    /// The client finished sending: an unterminated last line still counts.
    mutating func finish() {
        let parser = self.parser
        var results: [(Int, FeedLineResult)] = []
        splitter.finish { number, line in results.append((number, Self.parse(line, parser))) }
        for (number, result) in results { record(number, result) }
    }

    /// Hands over up to `limit` of the events accumulated, oldest first, with their lines.
    mutating func takeEvents(upTo limit: Int) -> (events: [ScoreEvent], lines: [Int]) {
        let count = min(limit, pendingEvents.count)
        defer {
            pendingEvents.removeFirst(count)
            pendingLines.removeFirst(count)
        }
        return (Array(pendingEvents.prefix(count)), Array(pendingLines.prefix(count)))
    }

    /// Turns events the daemon refused (counted as accepted when they parsed) into
    /// rejected lines; `lines` are those `takeEvents` returned with the refused batch.
    mutating func refuse(_ refusals: [FeedEventRefusal], lines: [Int]) {
        for refusal in refusals where lines.indices.contains(refusal.index) {
            accepted -= 1
            rejectedByReason[refusal.reason, default: 0] += 1
            if errors.count < maxReportedErrors {
                errors.append(FeedLineRejection(line: lines[refusal.index], reason: refusal.reason))
            }
        }
    }

    /// Rejected lines, whatever the reason.
    var rejected: Int { rejectedByReason.values.reduce(0, +) }

    /// The reply for everything received; errors in line order (refusals arrive after
    /// the parser's rejections of later lines).
    var reply: FeedPushReply {
        FeedPushReply(accepted: accepted, rejected: rejected, rejections: errors.sorted { $0.line < $1.line })
    }

    /// The counts for a refusal after `applied` events were handed over successfully: the
    /// events that were not are counted as rejected, so the two numbers still add up to
    /// every line received.
    func refusalCounts(applied: Int) -> FeedPushReply {
        FeedPushReply(accepted: applied, rejected: rejected + (accepted - applied), rejections: errors)
    }

    private static func parse(_ line: FeedLineSplitter.Line, _ parser: FeedLineParser) -> FeedLineResult {
        switch line {
        case .tooLong: return .rejected(.lineTooLong)
        case .text(let bytes): return parser.parse(bytes)
        }
    }

    private mutating func record(_ number: Int, _ result: FeedLineResult) {
        switch result {
        case .event(let event):
            accepted += 1
            pendingEvents.append(event)
            pendingLines.append(number)
        case .rejected(let reason):
            rejectedByReason[reason, default: 0] += 1
            if errors.count < maxReportedErrors { errors.append(FeedLineRejection(line: number, reason: reason)) }
        case .blank:
            break
        }
    }
}
