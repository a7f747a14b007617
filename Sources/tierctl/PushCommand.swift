import ArgumentParser
import Control

/// `tierctl push USER SCORE` / `tierctl push USER --delta N`: send one feed event over the
/// daemon's feed socket (not the control socket: it goes through the same path as any
/// other feed producer). Without `--feed-socket`, the daemon at `--socket` is asked for its
/// feed socket (`FeedSocketLookup`). Exits 1 when the daemon rejected the event or refused
/// it (for instance because it could not be made durable), printing the daemon's reason.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Send a score (or a score change) for a user over the feed socket."
    )

    @ParentCommand var tierctl: Tierctl

    @Argument(help: ArgumentHelp("User id.", valueName: "user"))
    var user: String

    @Argument(help: ArgumentHelp(
        "New score (omit when using --delta). Put a negative score after '--': push USER -- -5.",
        valueName: "score"))
    var score: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Change the score by N instead of setting it (may be negative).", valueName: "n"))
    var delta: Double?

    @Option(help: ArgumentHelp("Why, recorded with a --delta event.", valueName: "text"))
    var reason: String?

    @Option(name: .customLong("feed-socket"),
            help: ArgumentHelp(
                "Feed socket to send to (default: the one the daemon at --socket reports, else \(FeedClient.defaultSocketPath)).",
                valueName: "path"),
            completion: .file())
    var feedSocket: String?

    @Flag(help: "Print the daemon's JSON reply.")
    var json = false

    func validate() throws {
        switch (score, delta) {
        case (nil, nil): throw ValidationError("give a SCORE or --delta N")
        case (.some, .some): throw ValidationError("give either a SCORE or --delta N, not both")
        case (let value?, nil) where !value.isFinite, (nil, let value?) where !value.isFinite:
            throw ValidationError("the score must be a finite number")
        default: break
        }
        if reason != nil && delta == nil { throw ValidationError("--reason goes with --delta") }
    }

    /// The event this invocation sends.
    var event: FeedPushEvent {
        if let delta { return FeedPushEvent(user: user, delta: delta, reason: reason) }
        return FeedPushEvent(user: user, score: score ?? 0)
    }

    func run() async throws {
        let path = try await FeedSocketLookup.feedSocket(explicit: feedSocket, tierctl: tierctl)
        let client = FeedClient(socketPath: path, timeout: tierctl.client.timeout)
        let response: FeedPushResponse
        do {
            response = try await client.push([event])
        } catch {
            Output.error(error.description)
            throw ExitCode(error.exitCode)
        }
        let reply = response.reply
        if json {
            Output.line(response.line)
        } else {
            Output.line("accepted \(reply.accepted), rejected \(reply.rejected)")
        }
        for error in reply.errors { Output.error("line \(error.line): \(error.reason)") }
        if let code = reply.error {
            Output.error("refused (\(code)): \(reply.message ?? "no reason given")")
            throw ExitCode(1)
        }
        if reply.rejected > 0 { throw ExitCode(1) }
    }
}
