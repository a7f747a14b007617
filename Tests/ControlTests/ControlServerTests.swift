import TestSupport
import Control
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The control server against real sockets: concurrency, limits, credentials, lifecycle.
@Suite struct ControlServerTests {
    @Test func answersManyConcurrentClientsWhileOneHangs() async throws {
        // A long request timeout keeps the hung client connected throughout: if it blocked
        // the others, they would all queue behind it and time out.
        let server = try await TestServer(limits: .init(requestTimeout: .seconds(60)))
        let hung = try RawUnixSocket(connectingTo: server.path)
        let client = server.client
        let replies = try await withThrowingTaskGroup(of: ControlReply.self) { group in
            for _ in 0..<100 {
                group.addTask { try await client.send(.status(user: "alice")).reply }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.count == 100)
        #expect(replies.allSatisfy { $0 == .status(Fixtures.alice) })
        _ = hung
        await server.finish()
    }

    @Test func dropsAClientThatNeverSends() async throws {
        let server = try await TestServer(limits: .init(requestTimeout: .milliseconds(300)))
        let hung = try RawUnixSocket(connectingTo: server.path)
        let (data, eof) = await hung.readToEnd(timeout: .seconds(5))
        #expect(eof)
        #expect(data.isEmpty)
        await server.finish()
    }

    @Test func slowHandlerIsNotMistakenForAnIdleClient() async throws {
        // The handler takes 4.5 s, over twice the idle timeout. The raw socket sends its
        // request right after connecting, so the idle clock only has the handler to count.
        let server = try await TestServer(limits: .init(idleTimeout: .seconds(2)))
        let socket = try RawUnixSocket(connectingTo: server.path)
        socket.send(Array("{\"cmd\":\"explain\",\"user\":\"slow\"}\n".utf8))
        // The reply comes after 4.5 s; the idle timeout then closes the connection.
        let (data, eof) = await socket.readToEnd(timeout: .seconds(20))
        #expect(eof)
        let reply = try ControlWire.decode(ControlReply.self, from: String(decoding: data, as: UTF8.self))
        #expect(reply == .explanation(.object(["slow": .bool(true)])))
        await server.finish()
    }

    @Test func rejectsAnOversizeRequestAndCloses() async throws {
        let server = try await TestServer(limits: .init(maximumRequestBytes: 1024), isAdmin: { _ in false })
        let socket = try RawUnixSocket(connectingTo: server.path)
        socket.send(Array(repeating: UInt8(ascii: "x"), count: 4096))
        let (data, eof) = await socket.readToEnd(timeout: .seconds(5))
        #expect(eof)
        let reply = try ControlWire.decode(ControlReply.self, from: String(decoding: data, as: UTF8.self))
        #expect(reply == .error(.badRequest, "request longer than 1024 bytes"))
        await server.finish()
    }

    /// `plan` carries whole files: admins get the larger limit, everybody else the small one.
    @Test func adminsMayRequestMoreThanTheDefaultLimit() async throws {
        let limits = ControlServerLimits(maximumRequestBytes: 1024, maximumAdminRequestBytes: 8192)
        let request = ControlRequest.plan(PlanInput(config: .init(path: "/tmp/new.toml", text: String(repeating: "#", count: 4000))))
        for (admin, expected) in [(true, "tiers: 2 users would move"), (false, "bad_request")] {
            let server = try await TestServer(limits: limits, isAdmin: { _ in admin })
            let reply = try await server.client.send(request).reply
            switch reply {
            case .plan(let plan): #expect(admin && ReloadReportText.render(plan, planned: true).hasPrefix(expected))
            case .failure(let error): #expect(!admin && error.code.rawValue == expected && error.message == "request longer than 1024 bytes")
            default: Issue.record("unexpected reply \(reply)")
            }
            await server.finish()
        }
    }

    @Test func acceptsARequestJustUnderTheLimit() async throws {
        let server = try await TestServer(limits: .init(maximumRequestBytes: 1024))
        let reason = String(repeating: "r", count: 900)
        let reply = try await server.client.send(.override(user: "alice", tier: "full", reason: reason)).reply
        #expect(reply == .done)
        await server.finish()
    }

    @Test func peerCredentialsComeFromTheKernel() async throws {
        let server = try await TestServer()
        let reply = try await server.client.send(.explain(user: "me")).reply
        guard case .explanation(let explanation) = reply else {
            Issue.record("unexpected reply \(reply)")
            return
        }
        #expect(explanation["uid"] == .integer(Int64(getuid())))
        #expect(explanation["gid"] == .integer(Int64(getgid())))
        #expect(explanation["pid"] == .integer(Int64(getpid())))
        if getuid() == 0 { #expect(explanation["uid"] == .integer(0)) }
        guard case .array(let groups) = explanation["groups"] else {
            Issue.record("no groups")
            return
        }
        // Exactly the groups this process holds (SO_PEERGROUPS), not its account's.
        #expect(groups == PeerCredentials.currentProcess().groups.sorted().map { .integer(Int64($0)) })
        await server.finish()
    }

    @Test func malformedAndIncompleteRequestsGetBadRequest() async throws {
        let server = try await TestServer()
        let socket = try RawUnixSocket(connectingTo: server.path)
        socket.send(Array("not json\n{\"cmd\":\"reboot\"}\n{\"cmd\":\"explain\"}\n{\"cmd\":\"status\",\"user\":\"alice\"}\r\n".utf8))
        socket.send(Array("{\"cmd\":\"metrics\"}".utf8))  // last line without newline, then half-close
        socket.shutdownWrite()
        let (data, eof) = await socket.readToEnd(timeout: .seconds(5))
        #expect(eof)
        let replies = try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try ControlWire.decode(ControlReply.self, from: $0)
        }
        #expect(replies == [
            .error(.badRequest, "not a control request: invalid JSON"),
            .error(.badRequest, "not a control request: invalid value for \"cmd\""),
            .error(.badRequest, "explain needs \"user\""),
            .status(Fixtures.alice),
            .metrics("# TYPE tierd_users gauge\ntierd_users 2\n"),
        ])
        await server.finish()
    }

    @Test func socketIsWorldConnectableAndRemovedOnStop() async throws {
        let server = try await TestServer()
        var info = stat()
        #expect(stat(server.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o666)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        await #expect(throws: ControlServerError.alreadyStarted) { try await server.server.start() }
        await server.server.stop()
        #expect(access(server.path, F_OK) != 0)
        await server.server.stop()  // idempotent
        await #expect(throws: ControlServerError.alreadyStarted) { try await server.server.start() }
        await server.finish()
    }

    @Test func runServesUntilCancelled() async throws {
        let directory = try TemporaryDirectory(prefix: "tierd-ctl")
        let path = directory.path + "/run.sock"
        let server = ControlServer(path: path, mode: 0o660, handler: FakeControlHandler())
        let running = Task { try await server.run() }
        var reply: ControlReply?
        for _ in 0..<100 where reply == nil {
            reply = try? await ControlClient(socketPath: path, timeout: .seconds(2)).send(.metrics).reply
            if reply == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(reply == .metrics("# TYPE tierd_users gauge\ntierd_users 2\n"))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o660)
        running.cancel()
        try await running.value
        #expect(access(path, F_OK) != 0)
        directory.remove()
    }

    @Test func replacesAStaleSocketFileButNotALiveOne() async throws {
        let first = try await TestServer()
        // A live socket is not taken over by a second server.
        let second = ControlServer(path: first.path, handler: FakeControlHandler())
        await #expect(throws: ControlServerError.socketInUse(path: first.path)) { try await second.start() }
        #expect(try await first.client.send(.metrics).reply.isOK)
        // A socket file nobody listens on (a crashed daemon's) is replaced.
        let stale = first.directory.path + "/stale.sock"
        #expect(link(first.path, stale) == 0)
        await first.server.stop()
        let third = ControlServer(path: stale, handler: FakeControlHandler())
        try await third.start()
        #expect(try await ControlClient(socketPath: stale).send(.metrics).reply.isOK)
        await third.stop()
        #expect(access(stale, F_OK) != 0)
        await first.finish()
    }

    @Test func refusesAPathThatIsNotASocket() async throws {
        let directory = try TemporaryDirectory(prefix: "tierd-ctl")
        let path = directory.path + "/regular"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
        let server = ControlServer(path: path, handler: FakeControlHandler())
        await #expect(throws: ControlServerError.pathOccupied(path: path)) { try await server.start() }
        #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
        directory.remove()
    }
}

@Suite struct ControlServerTricklingTests {
    @Test func clientTricklingBytesWithoutNewlineIsStillDropped() async throws {
        let server = try await TestServer(limits: .init(requestTimeout: .milliseconds(400)))
        let socket = try RawUnixSocket(connectingTo: server.path)
        // Bytes keep coming for 10 s, but no complete line: the deadline must not move.
        let trickle = Task.detached {
            for _ in 0..<200 {
                guard socket.send(Array("{".utf8)) else { return }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let (_, eof) = await socket.readToEnd(timeout: .seconds(4))
        #expect(eof)
        trickle.cancel()
        await server.finish()
    }
}

@Suite struct ControlServerShutdownTests {
    @Test func stopDoesNotWaitForIdleClients() async throws {
        let server = try await TestServer(limits: .init(requestTimeout: .seconds(60), idleTimeout: .seconds(60)))
        let hung = try RawUnixSocket(connectingTo: server.path)
        #expect(try await server.client.send(.metrics).reply.isOK)  // the server has accepted by now
        let started = ContinuousClock.now
        await server.server.stop()
        #expect(ContinuousClock.now - started < .seconds(5))
        let (_, eof) = await hung.readToEnd(timeout: .seconds(5))
        #expect(eof)
        await server.finish()
    }
}

@Suite struct ControlServerStatisticsTests {
    @Test func countsRequestsAndRefusals() async throws {
        let server = try await TestServer(limits: .init(maximumRequestBytes: 256, maximumAdminRequestBytes: 256))
        #expect(server.server.statistics == ControlServerStatistics())
        #expect(try await server.client.send(.metrics).reply.isOK)
        #expect(try await server.client.send(.init(command: .clear)).reply == .error(.badRequest, "clear needs \"user\""))
        let garbage = try RawUnixSocket(connectingTo: server.path)
        garbage.send(Array("{{{\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1000))
        let (_, eof) = await garbage.readToEnd(timeout: .seconds(10))
        #expect(eof)

        var expected = ControlServerStatistics()
        expected.connections = 3
        expected.requests = 4
        expected.badRequests = 3
        expected.oversizeRequests = 1
        #expect(server.server.statistics == expected)
        await server.finish()
    }

    @Test func countsIdleDisconnects() async throws {
        let server = try await TestServer(limits: .init(requestTimeout: .milliseconds(300)))
        let idle = try RawUnixSocket(connectingTo: server.path)
        let (_, eof) = await idle.readToEnd(timeout: .seconds(10))
        #expect(eof)
        var expected = ControlServerStatistics()
        expected.connections = 1
        expected.idleDisconnects = 1
        // The accept loop may take the (already closed) connection a moment later.
        for _ in 0..<100 where server.server.statistics != expected {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(server.server.statistics == expected)
        await server.finish()
    }
}
