import Feed
import FeedParsing
import ServiceLifecycle

/// Accepts feed lines from local producers on `[feed] socket`. Each connection's events are
/// journaled and applied before the producer gets its `{"accepted":N,...}` reply.
struct FeedSocketService: Service {
    let daemon: Daemon
    let path: String
    let parser: FeedLineParser

    func run() async throws {
        let server = FeedSocketServer(
            path: path, parser: parser,
            onBatch: { [daemon] events in try await daemon.acceptDurably(events) },
            onRejections: { [daemon] counters, examples in
                await daemon.recordRejections(counters.rejected, examples: examples, source: .socket)
            })
        try await server.start()
        try? await gracefulShutdown()
        await server.stop()
    }
}
