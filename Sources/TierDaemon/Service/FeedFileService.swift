import Feed
import ServiceLifecycle

/// Follows the feed file with inotify. The follower was created at start-up and has already
/// read the backlog (`Daemon.start(feedBacklog:)`), so this continues right after it.
struct FeedFileService: Service {
    let daemon: Daemon
    let follower: FeedFileFollower

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await follower.run { batch in
                    await daemon.ingest(batch, source: .file)
                }
            }
        } catch is CancellationError {
            // Shutdown: the follower stops where it is; the position is in the snapshot.
        }
    }
}
