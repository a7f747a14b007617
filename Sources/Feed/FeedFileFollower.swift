import FeedParsing
import Synchronization

/// The file feed: follows the feed file and hands its new lines to the daemon in batches.
///
/// Reading rules (append, truncation, rotation, delete/re-create, resume) are those of
/// `FeedFileReader`; this type adds the waiting (inotify on the directory) and makes it
/// safe to query from other tasks. Batches hold up to one 64 KiB read of lines, so a
/// large backlog is applied in few journal writes.
public final class FeedFileFollower: Sendable {
    /// How often the file is re-checked even without an inotify event.
    public static let rescanInterval: Duration = .seconds(2)

    public let path: String
    private let reader: Mutex<FeedFileReader>
    private let state = Mutex<FeedFileError?>(nil)

    /// - Parameter resumeFrom: the position persisted after the last batch applied, if any.
    public init(path: String, parser: FeedLineParser, resumeFrom: FeedFilePosition?) {
        self.path = path
        self.reader = Mutex(FeedFileReader(path: path, parser: parser, resumeFrom: resumeFrom))
    }

    /// The position after the last line consumed.
    public var position: FeedFilePosition {
        reader.withLock { $0.position }
    }

    /// Reads the next batch of what the file holds now, without waiting; nil when
    /// nothing changed. Call repeatedly until nil to catch up.
    public func readAvailable() throws(FeedFileError) -> FeedBatch? {
        try reader.withLock { reader throws(FeedFileError) in try reader.readBatch() }
    }

    /// Why the source cannot read the feed file now (wrong file type, permission, I/O
    /// error, directory gone), or nil while it follows the file normally (which includes
    /// waiting for a file that does not exist yet in an existing directory).
    public var failure: FeedFileError? {
        state.withLock { $0 }
    }

    /// Delivers every batch, present and future, to `onBatch`, one at a time, until the
    /// task is cancelled (then it returns). `onBatch` should make the events durable and
    /// persist `batch.position`; an error it throws ends the run.
    ///
    /// A problem with the file itself never ends the run: the source is marked failed,
    /// `onFailureChange` hears the new `failure` (and nil once a regular file is readable
    /// again), and the follower keeps waiting for the next change in the directory.
    ///
    /// Reads of the regular file happen on the calling task (they do not block on
    /// writers, and nothing else is ever read); the waiting is done by inotify without
    /// holding a thread.
    public func run(
        onFailureChange: @Sendable (FeedFileError?) async -> Void = { _ in },
        _ onBatch: @Sendable (FeedBatch) async throws -> Void
    ) async throws {
        let watch = InotifyDirectoryWatch(directory: Self.directory(of: path))
        let wakeups = watch.wakeups(tick: Self.rescanInterval)
        var iterator = wakeups.makeAsyncIterator()
        repeat {
            let failure = try await deliverAvailable(onBatch)
            if Task.isCancelled { break }
            let changed = state.withLock { current in
                defer { current = failure }
                return current != failure
            }
            if changed { await onFailureChange(failure) }
        } while await iterator.next() != nil && !Task.isCancelled
    }

    /// Hands over every batch available now; returns the file problem that stopped the
    /// reading, if any (errors of `onBatch` are thrown, not returned).
    private func deliverAvailable(_ onBatch: @Sendable (FeedBatch) async throws -> Void) async throws -> FeedFileError? {
        while !Task.isCancelled {
            let batch: FeedBatch?
            do {
                batch = try readAvailable()
            } catch {
                return error
            }
            guard let batch else { return nil }
            try await onBatch(batch)
        }
        return nil
    }

    /// The directory part of `path` (`.` for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
