#if canImport(Glibc)
import Glibc
#endif
import Feed
import FeedParsing
import Scoring
import SystemPackage

/// Write-ahead journal for events accepted on the feed socket: a producer is told
/// "accepted" only after its events are appended here and fsync'ed, so a `kill -9` right
/// after the reply loses nothing.
///
/// Records are feed lines (the same JSON Lines format the feed accepts, with the daemon's
/// arrival time filled in as `ts`), so the journal is replayed by the feed parser itself and
/// an operator can read it with any JSON tool. Files are `journal-<generation>.jsonl`; a
/// snapshot records how far it has folded the journal in (`JournalMark`), and compaction
/// starts a new generation and deletes older files once a snapshot covers them.
public final class EventJournal {
    let directory: FilePath
    public private(set) var mark: JournalMark
    private var descriptor: FileDescriptor?

    public init(directory: FilePath, mark: JournalMark) {
        self.directory = directory
        self.mark = mark
    }

    deinit { try? descriptor?.close() }

    func path(_ generation: UInt64) -> FilePath {
        directory.appending("journal-\(generation).jsonl")
    }

    /// Events not yet folded into the snapshot at `mark`, oldest first. A torn last line
    /// (a crash during a write that was therefore never acknowledged) is cut off so the
    /// next append starts on a clean line.
    public func unappliedEvents(parser: FeedLineParser) throws -> [ScoreEvent] {
        var events: [ScoreEvent] = []
        var current = mark
        var generation = mark.generation
        while var bytes = try DurableFile.read(path(generation)) {
            let complete = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            if complete < bytes.count {
                if truncate(path(generation).string, off_t(complete)) != 0 { throw Errno(rawValue: errno) }
                bytes.removeSubrange(complete...)
            }
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
            let skip = generation == mark.generation ? Int(mark.lines) : 0
            for line in lines.dropFirst(skip) {
                let result = Array(line).withUnsafeBytes { parser.parse($0) }
                if case .event(let event) = result { events.append(event) }
            }
            current = JournalMark(generation: generation, lines: UInt64(lines.count))
            generation += 1
        }
        mark = current
        return events
    }

    /// Appends the events and fsyncs; returns only when they are durable.
    public func append(_ events: [ScoreEvent], arrival: Double) throws {
        guard !events.isEmpty else { return }
        let fd = try openCurrent()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(events.count * 64)
        for var event in events {
            if event.timestamp == nil { event.timestamp = arrival }
            buffer.append(contentsOf: FeedLineEncoder.jsonLine(for: event).utf8)
            buffer.append(UInt8(ascii: "\n"))
        }
        _ = try fd.writeAll(buffer)
        if fsync(fd.rawValue) != 0 { throw Errno(rawValue: errno) }
        mark.lines += UInt64(events.count)
    }

    /// Starts a new generation. Call right before writing a snapshot that includes every
    /// event journaled so far; then `discardBefore(mark)` once the snapshot is durable.
    public func rotate() throws -> JournalMark {
        try descriptor?.close()
        descriptor = nil
        mark = JournalMark(generation: mark.generation + 1, lines: 0)
        return mark
    }

    /// Removes generations older than the mark (they are in a durable snapshot now).
    public func discard(before generation: UInt64) {
        var old = generation
        while old > 0 {
            old -= 1
            if unlink(path(old).string) != 0 { break }
        }
    }

    private func openCurrent() throws -> FileDescriptor {
        if let descriptor { return descriptor }
        let fd = try FileDescriptor.open(
            path(mark.generation), .writeOnly, options: [.create, .append, .closeOnExec],
            permissions: [.ownerReadWrite])
        try DurableFile.syncDirectory(directory)
        descriptor = fd
        return fd
    }
}
