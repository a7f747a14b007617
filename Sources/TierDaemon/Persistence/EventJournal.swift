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
///
/// A failed append (disk full, I/O error) is cut back off the file, so the journal never
/// holds half a record in the middle that would swallow the next acknowledged one.
public final class EventJournal {
    let directory: StateDirectory
    public private(set) var mark: JournalMark
    private var descriptor: FileDescriptor?
    /// Length of the current file after its last complete, fsync'ed append.
    private var length: off_t = 0

    public init(directory: StateDirectory, mark: JournalMark) {
        self.directory = directory
        self.mark = mark
    }

    deinit { try? descriptor?.close() }

    static func name(_ generation: UInt64) -> String {
        "journal-\(generation).jsonl"
    }

    /// The journal file being appended to, for messages.
    public var currentPath: String { directory.pathOf(Self.name(mark.generation)) }

    /// Events not yet folded into the snapshot at `mark`, oldest first. A torn last line
    /// (a crash during a write that was therefore never acknowledged) is cut off so the
    /// next append starts on a clean line.
    public func unappliedEvents(parser: FeedLineParser) throws(PersistenceError) -> [ScoreEvent] {
        var events: [ScoreEvent] = []
        var current = mark
        var generation = mark.generation
        while var bytes = try directory.read(Self.name(generation)) {
            let complete = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            if complete < bytes.count {
                try cut(Self.name(generation), to: off_t(complete))
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

    /// Appends the events and fsyncs; returns only when they are durable. On failure nothing
    /// of this call stays in the journal.
    public func append(_ events: [ScoreEvent], arrival: Double) throws(PersistenceError) {
        guard !events.isEmpty else { return }
        let fd = try openCurrent()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(events.count * 64)
        for var event in events {
            if event.timestamp == nil { event.timestamp = arrival }
            buffer.append(contentsOf: FeedLineEncoder.jsonLine(for: event).utf8)
            buffer.append(UInt8(ascii: "\n"))
        }
        do {
            _ = try fd.writeAll(buffer)
            if fsync(fd.rawValue) != 0 { throw Errno(rawValue: errno) }
        } catch {
            let failure = PersistenceError.system(currentPath, error)
            // Cut the partial record off; if even that fails, continue in a new file (replay
            // cuts a torn last line of each file).
            if ftruncate(fd.rawValue, length) != 0 { abandonFile() }
            throw failure
        }
        length += off_t(buffer.count)
        mark.lines += UInt64(events.count)
    }

    /// Starts a new generation. Call right before writing a snapshot that includes every
    /// event journaled so far; then `discard(before:)` once the snapshot is durable.
    public func rotate() -> JournalMark {
        abandonFile()
        return mark
    }

    /// Stops appending to the current file and continues in a new generation: after a
    /// rotation, or when the file is unusable or gone (state_dir was recreated).
    public func abandonFile() {
        try? descriptor?.close()
        descriptor = nil
        mark = JournalMark(generation: mark.generation + 1, lines: 0)
    }

    /// Removes generations older than the mark (they are in a durable snapshot now).
    public func discard(before generation: UInt64) {
        var old = generation
        while old > 0 {
            old -= 1
            if !directory.remove(Self.name(old)) { break }
        }
    }

    private func openCurrent() throws(PersistenceError) -> FileDescriptor {
        if let descriptor { return descriptor }
        let name = Self.name(mark.generation)
        let fd = try directory.open(name, O_WRONLY | O_CREAT | O_APPEND)
        let end = lseek(fd.rawValue, 0, SEEK_END)
        guard end >= 0 else {
            let failure = PersistenceError.system(currentPath)
            try? fd.close()
            throw failure
        }
        do {
            try directory.sync()
        } catch {
            try? fd.close()
            throw error
        }
        length = end
        descriptor = fd
        return fd
    }

    private func cut(_ name: String, to size: off_t) throws(PersistenceError) {
        let fd = try directory.open(name, O_WRONLY)
        defer { try? fd.close() }
        if ftruncate(fd.rawValue, size) != 0 { throw .system(directory.pathOf(name)) }
    }
}
