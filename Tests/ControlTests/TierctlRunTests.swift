import TestSupport
import ArgumentParser
import Control
import Foundation
import Testing
@testable import tierctl

/// tierctl's exit codes against a live server with canned answers.
@Suite struct TierctlRunTests {
    /// Parses and runs `arguments`; returns the exit code the process would have.
    private func exitCode(_ arguments: [String]) async -> Int32 {
        do {
            var command = try Tierctl.parseAsRoot(arguments)
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return Tierctl.exitCode(for: error).rawValue
        }
    }

    @Test func exitCodesFollowTheContract() async throws {
        let server = try await TestServer()
        let socket = ["--socket", server.path]
        #expect(await exitCode(socket + ["status"]) == 0)
        #expect(await exitCode(socket + ["status", "alice"]) == 0)
        #expect(await exitCode(socket + ["status", "--json"]) == 0)
        #expect(await exitCode(socket + ["status", "ghost"]) == 1)
        #expect(await exitCode(socket + ["explain", "alice"]) == 0)
        #expect(await exitCode(socket + ["override", "alice", "full", "--for", "2h"]) == 0)
        #expect(await exitCode(socket + ["override", "alice", "platinum"]) == 1)
        #expect(await exitCode(socket + ["clear", "alice"]) == 0)
        #expect(await exitCode(socket + ["clear", "carol"]) == 77)
        #expect(await exitCode(socket + ["reload"]) == 78)
        #expect(await exitCode(socket + ["metrics"]) == 0)
        #expect(await exitCode(socket + ["health"]) == 1)
        #expect(await exitCode(socket + ["health", "--json"]) == 1)
        await server.finish()
    }

    @Test func refusedAsBusyExits69() async throws {
        // No room for anyone: every connection is refused `busy` (try again later).
        try await TestServer.serving(limits: .init(maximumConnectionsPerUser: 0, maximumConnections: 0, maximumAdminConnections: 0)) { server in
            #expect(await exitCode(["--socket", server.path, "health"]) == 69)
            #expect(await exitCode(["--socket", server.path, "status", "--json"]) == 69)
        }
    }

    @Test func unreachableDaemonExits69() async {
        #expect(await exitCode(["--socket", "/tmp/tierd-no-such-dir/c.sock", "status"]) == 69)
        #expect(await exitCode(["push", "alice", "1", "--feed-socket", "/tmp/tierd-no-such-dir/f.sock"]) == 69)
    }

    /// `tierctl --socket PATH push ...` sends to the feed socket that daemon reports.
    @Test func pushAsksTheDaemonAtSocketForItsFeedSocket() async throws {
        let directoryDirectory = try TemporaryDirectory(prefix: "tierd-ctl")
        defer { directoryDirectory.remove() }
        let directory = directoryDirectory.path
        let feed = try FakeFeedServer(path: directory + "/feed.sock")
        let server = try await TestServer(handler: FeedSocketHealthHandler(feedSocket: feed.path))
        #expect(await exitCode(["--socket", server.path, "push", "alice", "640"]) == 0)
        #expect(feed.receivedLines == [#"{"score":640,"user":"alice"}"#])
        await server.finish()

        // --feed-socket wins and needs no control socket at all.
        let direct = try FakeFeedServer(path: directory + "/direct.sock")
        #expect(await exitCode(["--socket", "/tmp/tierd-no-such-dir/c.sock", "push", "bob", "1", "--feed-socket", direct.path]) == 0)
        #expect(direct.receivedLines == [#"{"score":1,"user":"bob"}"#])
    }

    @Test func pushWithoutAFeedSocketToAskForFails() async throws {
        let none = try await TestServer(handler: FeedSocketHealthHandler(feedSocket: nil))
        #expect(await exitCode(["--socket", none.path, "push", "alice", "640"]) == 69, "the daemon has no feed socket")
        await none.finish()
        #expect(await exitCode(["--socket", "/tmp/tierd-no-such-dir/c.sock", "push", "alice", "1"]) == 69,
                "a named control socket that does not answer is not silently replaced by the default feed socket")
        let forbidding = try await TestServer(handler: FeedSocketHealthHandler(feedSocket: nil, forbidden: true))
        #expect(await exitCode(["--socket", forbidding.path, "push", "alice", "640"]) == 77)
        await forbidding.finish()
    }

    @Test func pushExitsOneWhenRejected() async throws {
        let directory = try TemporaryDirectory(prefix: "tierd-ctl")
        let accepting = try FakeFeedServer(path: directory.path + "/ok.sock")
        #expect(await exitCode(["push", "alice", "640", "--feed-socket", accepting.path]) == 0)
        #expect(accepting.receivedLines == [#"{"score":640,"user":"alice"}"#])
        let rejecting = try FakeFeedServer(path: directory.path + "/bad.sock")
        #expect(await exitCode(["push", "--feed-socket", rejecting.path, "alice", "--", "-5"]) == 1)
        #expect(rejecting.receivedLines == [#"{"score":-5,"user":"alice"}"#])
        directory.remove()
    }
}

/// A daemon whose `health` names `feedSocket` (or none), or refuses `health` altogether.
struct FeedSocketHealthHandler: ControlHandler {
    let feedSocket: String?
    var forbidden = false

    func handle(_ request: ControlRequest, from peer: PeerCredentials) async -> ControlReply {
        guard request.command == .health else { return .error(.badRequest, "only health here") }
        if forbidden { return .error(.forbidden, "admins only") }
        var feed: [String: JSONValue] = ["applied": .integer(0)]
        if let feedSocket { feed["socket"] = .string(feedSocket) }
        return .health(HealthReport(
            status: .ok, kernelInSync: true, users: 0, throttled: 0, lastApply: nil, errors: [], feed: .object(feed)))
    }
}
