import ArgumentParser
import Control

/// Where `tierctl push` sends its event when `--feed-socket` is not given: the feed
/// socket of the daemon that `--socket` names, as that daemon reports it in `health`
/// (`feed.socket`).
///
/// WHY ask instead of deriving a path: the feed socket is a separate config key
/// (`[feed] socket`), not a sibling of the control socket, and may be unset; an operator
/// who typed `tierctl --socket PATH push ...` means "that daemon". With the default
/// control socket and no answer from it (daemon down, or a producer allowed on the feed
/// socket but not on the control socket), the default feed socket is tried, as before.
enum FeedSocketLookup {
    static func feedSocket(explicit: String?, tierctl: Tierctl) async throws -> String {
        if let explicit { return explicit }
        let client = tierctl.client
        let named = tierctl.socket != ControlClient.defaultSocketPath
        let response: ControlResponse
        do {
            response = try await client.send(.health)
        } catch {
            guard named else { return FeedClient.defaultSocketPath }
            Output.error("cannot ask \(client.socketPath) for its feed socket: \(error.description)")
            throw ExitCode(error.exitCode)
        }
        switch response.reply {
        case .health(let report):
            if case .object(let feed) = report.feed, case .string(let path)? = feed["socket"] { return path }
            Output.error("tierd at \(client.socketPath) has no feed socket ([feed] socket is not set in its config)")
            throw ExitCode(69)
        case .failure(let error):
            guard named else { return FeedClient.defaultSocketPath }
            Output.error("cannot ask \(client.socketPath) for its feed socket: \(error.code): \(error.message)")
            throw ExitCode(DaemonCall.exitCode(for: error.code))
        default:
            throw DaemonCall.unexpected(response.reply, for: .health)
        }
    }
}
