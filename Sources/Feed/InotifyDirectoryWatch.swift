import FeedParsing
import Dispatch
import Glibc
import Synchronization

/// Wakes the file follower when anything happens in the feed file's directory.
///
/// The directory is watched, not the file: a watch on the file dies when the file is
/// replaced by rename, while the directory sees `IN_MOVED_TO`/`IN_CREATE` for the new
/// file as well as `IN_MODIFY`/`IN_CLOSE_WRITE` for appends. Events are only decoded to
/// notice that the watch itself ended: every event, including `IN_Q_OVERFLOW`, means
/// "re-check the file", and the re-check (`FeedFileReader.readBatch`) re-stats everything
/// anyway, so a lost event costs nothing. A periodic tick re-checks too, as a backstop.
///
/// The directory may be missing, removed or replaced while the daemon runs: that must
/// not stop the daemon. When there is no watch (the directory did not exist, or the
/// kernel ended the watch with `IN_IGNORED`, or the directory was moved away), each tick
/// tries to add it again, so following resumes once the directory is back. Without
/// inotify at all (`inotify_init1` failed), the tick alone drives the re-checks.
final class InotifyDirectoryWatch: Sendable {
    private static let mask = UInt32(
        IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
            | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
    )
    /// Events after which the watch no longer follows the directory at `directory`.
    private static let watchEnded = UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)

    let directory: String
    /// The inotify descriptor, -1 when inotify is unavailable.
    private let fd: Int32
    /// The watch descriptor, -1 while the directory is not watched. Changed on `queue`.
    private let watch: Mutex<Int32>
    private let queue = DispatchQueue(label: "tierd.feed.inotify")

    /// Starts watching `directory` if it exists; never fails (see the type's comment).
    init(directory: String) {
        self.directory = directory
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        watch = Mutex(-1)
        _ = rewatchIfNeeded()
    }

    /// Whether the directory is watched now (false: only the tick wakes the follower).
    var isWatching: Bool { watch.withLock { $0 >= 0 } }

    /// A stream that yields whenever the directory changed or `tick` elapsed; pending
    /// wake-ups are coalesced into one. The stream owns the inotify descriptor: it is
    /// closed when the stream's consumer goes away (cancellation ends iteration).
    func wakeups(tick: Duration) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let fd = self.fd
        var read: (any DispatchSourceRead)?
        if fd >= 0 {
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in
                let ended = Self.drain(fd)
                if !ended.isEmpty { watchEnded(ended) }
                continuation.yield()
            }
            source.setCancelHandler { close(fd) }
            read = source
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let tickNanoseconds = Int(tick.components.seconds) * 1_000_000_000 + Int(tick.components.attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(tickNanoseconds), repeating: .nanoseconds(tickNanoseconds))
        timer.setEventHandler { [self] in
            _ = rewatchIfNeeded()
            continuation.yield()
        }
        let sources = DispatchSources(read: read, timer: timer)
        continuation.onTermination = { _ in sources.cancel() }
        read?.resume()
        timer.resume()
        return stream
    }

    /// Adds the watch when there is none; true when the directory is watched afterwards.
    func rewatchIfNeeded() -> Bool {
        guard fd >= 0 else { return false }
        return watch.withLock { descriptor in
            if descriptor < 0 { descriptor = inotify_add_watch(fd, directory, Self.mask) }
            return descriptor >= 0
        }
    }

    /// The kernel ended the watch (or it follows a directory moved elsewhere): drop it, so
    /// the next tick watches whatever directory is at the path then. `ended` are the watch
    /// descriptors concerned: an `IN_IGNORED` for a watch already replaced changes nothing.
    private func watchEnded(_ ended: Set<Int32>) {
        watch.withLock { descriptor in
            guard descriptor >= 0, ended.contains(descriptor) else { return }
            inotify_rm_watch(fd, descriptor)  // fails harmlessly after IN_IGNORED
            descriptor = -1
        }
    }

    /// Reads all queued events; returns the watch descriptors whose watch ended.
    private static func drain(_ fd: Int32) -> Set<Int32> {
        var scratch = [UInt8](repeating: 0, count: 4096)
        var ended: Set<Int32> = []
        while true {
            let count = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return ended }
            scratch.withUnsafeBytes { bytes in
                // struct inotify_event: wd, mask, cookie, len (4 bytes each), then len bytes of name.
                var offset = 0
                while offset + 16 <= count {
                    let descriptor = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                    if mask & watchEnded != 0 { ended.insert(descriptor) }
                    offset += 16 + Int(length)
                }
            }
        }
    }
}

/// The dispatch sources of one watch, cancelled together when the stream ends.
private struct DispatchSources: @unchecked Sendable {
    // Dispatch sources are thread-safe; the types are not annotated Sendable on Linux.
    let read: (any DispatchSourceRead)?
    let timer: any DispatchSourceTimer

    func cancel() {
        read?.cancel()
        timer.cancel()
    }
}
