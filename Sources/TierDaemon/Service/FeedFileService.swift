import Feed
import FeedParsing
import ServiceLifecycle

/// Follows the feed file with inotify. The follower was created at start-up and has already
/// read the backlog (`Daemon.start(feedBacklog:)`), so this continues right after it. A
/// problem with the file is reported to the daemon (health, metrics, log), never thrown: a
/// thrown error would end the service group and with it the daemon.
struct FeedFileService: Service {
    let daemon: Daemon
    let follower: FeedFileFollower

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await follower.run(onFailureChange: { await daemon.feedFileChanged($0) }) { batch in
                    await daemon.ingest(batch, source: .file)
                }
            }
        } catch is CancellationError {
            // Shutdown: the follower stops where it is; the position is in the snapshot.
        }
    }
}
