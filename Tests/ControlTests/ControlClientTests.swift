#if canImport(Glibc)
import TestSupport
import Glibc
#endif
import Control
import Foundation
import Testing

/// Client failures map to the documented exit codes; the feed exchange half-closes.
@Suite struct ControlClientTests {
    @Test func missingSocketIsUnreachable() async throws {
        let client = ControlClient(socketPath: "/tmp/tierd-no-such-dir/control.sock")
        await #expect(throws: ControlClientError.self) { try await client.send(.health) }
        do {
            _ = try await client.send(.health)
        } catch {
            #expect(error.exitCode == 69)
            guard case .unreachable(_, let code, _) = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
            #expect(code == ENOENT)
            #expect(error.description.contains("/tmp/tierd-no-such-dir/control.sock"))
            #expect(error.description.contains("No such file or directory"))
        }
    }

    @Test func socketFileWithoutListenerIsRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "tierd-ctl")
        let path = directory.path + "/dead.sock"
        let server = ControlServer(path: path, handler: FakeControlHandler())
        try await server.start()
        // Leave a socket file nobody listens on, as a crashed daemon does.
        let link = directory.path + "/stale.sock"
        #expect(Glibc.link(path, link) == 0)
        await server.stop()
        do {
            _ = try await ControlClient(socketPath: link).send(.health)
            Issue.record("connected to a dead socket")
        } catch {
            #expect(error == .unreachable(path: link, errno: ECONNREFUSED, reason: error.reasonText))
            #expect(error.exitCode == 69)
        }
        directory.remove()
    }

    @Test func silentDaemonTimesOut() async throws {
        let server = try await TestServer()
        let client = ControlClient(socketPath: server.path, timeout: .milliseconds(200))
        let started = ContinuousClock.now
        do {
            _ = try await client.send(.explain(user: "slow"))
            Issue.record("no timeout")
        } catch {
            #expect(error == .timedOut(path: server.path, after: .milliseconds(200)))
            #expect(error.exitCode == 69)
        }
        #expect(ContinuousClock.now - started < FakeControlHandler.slowReply - .milliseconds(500))
        await server.finish()
    }

    @Test func responseKeepsTheRawLine() async throws {
        let server = try await TestServer()
        let response = try await server.client.send(.status(user: "alice"))
        #expect(response.line == (try ControlWire.encodeLine(ControlReply.status(Fixtures.alice))))
        await server.finish()
    }

    @Test func feedPushSendsLinesThenReadsTheSummary() async throws {
        let directory = try TemporaryDirectory(prefix: "tierd-ctl")
        let feed = try FakeFeedServer(path: directory.path + "/feed.sock")
        let response = try await FeedClient(socketPath: feed.path, timeout: .seconds(5)).push([
            FeedPushEvent(user: "alice", score: 640),
            FeedPushEvent(user: "bob", score: -1),
            FeedPushEvent(user: "alice", delta: -40, reason: "abuse-report"),
        ])
        #expect(response.reply == FeedPushReply(accepted: 2, rejected: 1, errors: [.init(line: 2, reason: "score must not be negative")]))
        #expect(feed.receivedLines == [
            #"{"score":640,"user":"alice"}"#, #"{"score":-1,"user":"bob"}"#,
            #"{"delta":-40,"reason":"abuse-report","user":"alice"}"#,
        ])
        directory.remove()
    }
}

extension ControlClientError {
    /// The free-text part of an `unreachable` error, to compare the rest exactly.
    var reasonText: String {
        if case .unreachable(_, _, let reason) = self { return reason }
        return ""
    }
}

@Suite struct ControlClientErrorTests {
    @Test func exitCodes() {
        #expect(ControlClientError.unreachable(path: "p", errno: EACCES, reason: "").exitCode == 77)
        #expect(ControlClientError.unreachable(path: "p", errno: ECONNREFUSED, reason: "").exitCode == 69)
        #expect(ControlClientError.unreachable(path: "p", errno: nil, reason: "path too long").exitCode == 69)
        #expect(ControlClientError.closedWithoutReply(path: "p").exitCode == 69)
        #expect(ControlClientError.invalidReply(path: "p", reason: "x").exitCode == 1)
    }
}

@Suite struct ControlClientBurstTests {
    /// More clients at once than the listen backlog holds: connects that find it full
    /// (EAGAIN) are retried, so every client is answered.
    @Test func burstBeyondTheBacklogIsAnswered() async throws {
        // Room for all 200 in the (admin) pool: only the backlog is small here.
        let server = try await TestServer(limits: .init(maximumAdminConnections: 200, backlog: 4))
        let client = server.client
        let failures = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    do {
                        let reply = try await client.send(.status(user: "alice")).reply
                        return reply == .status(Fixtures.alice) ? nil : "wrong reply \(reply)"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
        }
        #expect(failures.isEmpty, "\(failures.count) failed, e.g. \(failures.first ?? "")")
        await server.finish()
    }
}
