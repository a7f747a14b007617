import FeedParsing
import Dispatch
import Glibc

/// Wakes the file follower when anything happens in the feed file's directory.
///
/// The directory is watched, not the file: a watch on the file dies when the file is
/// replaced by rename, while the directory sees `IN_MOVED_TO`/`IN_CREATE` for the new
/// file as well as `IN_MODIFY`/`IN_CLOSE_WRITE` for appends. Events are not decoded:
/// every event, including `IN_Q_OVERFLOW`, means "re-check the file", and the re-check
/// (`FeedFileReader.readBatch`) re-stats everything anyway, so a lost event costs nothing.
/// A periodic tick re-checks too, as a backstop (e.g. the directory itself was replaced).
final class InotifyDirectoryWatch: Sendable {
    private static let mask = UInt32(
        IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
            | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
    )

    private let fd: Int32
    private let queue = DispatchQueue(label: "tierd.feed.inotify")

    /// Starts watching `directory`.
    init(directory: String) throws(FeedFileError) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .system(call: "inotify_init1", path: directory, errno: errno) }
        guard inotify_add_watch(fd, directory, Self.mask) >= 0 else {
            let error = errno
            close(fd)
            throw .system(call: "inotify_add_watch", path: directory, errno: error)
        }
        self.fd = fd
    }

    /// A stream that yields whenever the directory changed or `tick` elapsed; pending
    /// wake-ups are coalesced into one. The stream owns the inotify descriptor: it is
    /// closed when the stream's consumer goes away (cancellation ends iteration).
    func wakeups(tick: Duration) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let fd = self.fd
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler {
            Self.drain(fd)
            continuation.yield()
        }
        source.setCancelHandler { close(fd) }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let tickNanoseconds = Int(tick.components.seconds) * 1_000_000_000 + Int(tick.components.attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(tickNanoseconds), repeating: .nanoseconds(tickNanoseconds))
        timer.setEventHandler { continuation.yield() }
        let sources = DispatchSources(read: source, timer: timer)
        continuation.onTermination = { _ in sources.cancel() }
        source.resume()
        timer.resume()
        return stream
    }

    /// Reads and discards all queued events (their content does not matter, see above).
    private static func drain(_ fd: Int32) {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while scratch.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}

/// The two dispatch sources of one watch, cancelled together when the stream ends.
private struct DispatchSources: @unchecked Sendable {
    // Dispatch sources are thread-safe; the types are not annotated Sendable on Linux.
    let read: any DispatchSourceRead
    let timer: any DispatchSourceTimer

    func cancel() {
        read.cancel()
        timer.cancel()
    }
}
