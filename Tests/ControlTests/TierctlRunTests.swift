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
