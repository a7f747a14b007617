import Control
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Admission on the control socket: per-uid and per-pool limits, refused at once with one
/// `busy` line. The test process has one uid, so `isAdmin` decides which pool it lands in;
/// two accounts at once (a flood and root) are in `ControlFloodEndToEndTests`.
@Suite struct ControlServerAdmissionTests {
    /// Nobody is an admin: the test process (root) is an ordinary account here.
    static let nobodyIsAdmin: @Sendable (PeerCredentials) -> Bool = { _ in false }

    @Test func refusesAnAccountOverItsLimitAtOnceWithOneBusyLine() async throws {
        try await TestServer.serving(
            limits: .init(maximumConnectionsPerUser: 3, requestTimeout: .seconds(60)), isAdmin: Self.nobodyIsAdmin) { server in
            let held = try await Self.servedConnections(3, server)
            // Fifty more at once: each one is answered `busy` and closed, none waits for a slot.
            let started = ContinuousClock.now
            let extra = try (0..<50).map { _ in try RawUnixSocket(connectingTo: server.path) }
            for socket in extra {
                let (data, eof) = await socket.readToEnd(timeout: .seconds(10))
                #expect(eof)
                let reply = try ControlWire.decode(ControlReply.self, from: String(decoding: data, as: UTF8.self))
                guard case .failure(let error) = reply else {
                    Issue.record("over-limit connection got \(reply)")
                    continue
                }
                #expect(error.code == .busy)
                #expect(error.message.contains("uid \(getuid()) already has 3 connections open"), "\(error.message)")
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(server.server.statistics.refusedUserLimit == 50)
            #expect(server.server.statistics.refusedConnections == 50)
            #expect(server.server.statistics.connections == 3)

            // A slot given back is a slot to be had again.
            held[0].close()
            #expect(try await Self.eventuallyServed(server))
        }
    }

    @Test func nonAdminAccountsShareOnePool() async throws {
        try await TestServer.serving(
            limits: .init(maximumConnectionsPerUser: 8, maximumConnections: 2, requestTimeout: .seconds(60)),
            isAdmin: Self.nobodyIsAdmin) { server in
            let held = try await Self.servedConnections(2, server)
            let reply = try await server.client.send(.metrics).reply
            #expect(reply.busyMessage?.contains("non-admin accounts") == true, "\(reply)")
            #expect(server.server.statistics.refusedServerFull == 1)
            _ = held
        }
    }

    @Test func adminsHaveAPoolOfTheirOwn() async throws {
        // No room at all for non-admins; admins still get theirs, up to their own cap.
        try await TestServer.serving(
            limits: .init(maximumConnectionsPerUser: 0, maximumConnections: 0, maximumAdminConnections: 2, requestTimeout: .seconds(60))) { server in
            let held = try await Self.servedConnections(2, server)
            let reply = try await server.client.send(.health).reply
            #expect(reply.busyMessage?.contains("2 admin connections") == true, "\(reply)")
            #expect(server.server.statistics.refusedAdminLimit == 1)
            held[1].close()
            #expect(try await Self.eventuallyServed(server))
        }
    }

    @Test func timesOutAConnectionThatNeverCompletesItsFirstRequestButNotAnIdleOne() async throws {
        // The first request must come within 300 ms; between requests, 10 s are allowed.
        try await TestServer.serving(limits: .init(requestTimeout: .milliseconds(300), idleTimeout: .seconds(10))) { server in
            let talker = try await Self.servedConnections(1, server)[0]
            let silent = try RawUnixSocket(connectingTo: server.path)
            let (_, eof) = await silent.readToEnd(timeout: .seconds(5))
            #expect(eof)
            // The talker, silent just as long after its reply, is still served.
            #expect(talker.send(#"{"cmd":"metrics"}"# + "\n"))
            #expect(await talker.readLine(timeout: .seconds(10))?.hasPrefix(#"{"metrics""#) == true)
            #expect(server.server.statistics.idleDisconnects == 1)
        }
    }

    /// Raw connections that have been answered once each, so the server surely counts them.
    static func servedConnections(_ count: Int, _ server: TestServer) async throws -> [RawUnixSocket] {
        var sockets: [RawUnixSocket] = []
        for _ in 0..<count {
            let socket = try RawUnixSocket(connectingTo: server.path)
            socket.send(#"{"cmd":"metrics"}"# + "\n")
            let line = await socket.readLine(timeout: .seconds(10)) ?? ""
            guard (try? ControlWire.decode(ControlReply.self, from: line))?.isOK == true else {
                throw POSIXError(.ECONNREFUSED)
            }
            sockets.append(socket)
        }
        return sockets
    }

    /// True once a request is served rather than refused (a closed slot is given back when
    /// the server has seen the close, a moment later).
    static func eventuallyServed(_ server: TestServer) async throws -> Bool {
        for _ in 0..<100 {
            if try await server.client.send(.metrics).reply.isOK { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

extension ControlReply {
    /// The message of a `busy` refusal; nil for any other reply.
    var busyMessage: String? {
        guard case .failure(let error) = self, error.code == .busy else { return nil }
        return error.message
    }
}
