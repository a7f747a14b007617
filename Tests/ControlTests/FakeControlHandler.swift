import TestSupport
import Control
import Foundation

/// A daemon stand-in with one canned answer per situation the tests need.
struct FakeControlHandler: ControlHandler {
    /// How long `explain slow` takes: longer than the idle timeouts the tests set.
    static let slowReply = Duration.milliseconds(4500)

    func handle(_ request: ControlRequest, from peer: PeerCredentials) async -> ControlReply {
        switch (request.command, request.user) {
        case (.status, nil):
            return .users([Fixtures.alice, Fixtures.bob])
        case (.status, "alice"):
            return .status(Fixtures.alice)
        case (.status, "ghost"), (.explain, "ghost"):
            return .error(.unknownUser, "no user ghost")
        case (.explain, "slow"):
            try? await Task.sleep(for: FakeControlHandler.slowReply)
            return .explanation(.object(["slow": .bool(true)]))
        case (.explain, let user):
            return .explanation(.object([
                "user": user.map(JSONValue.string) ?? .null,
                "uid": .integer(Int64(peer.uid)), "gid": .integer(Int64(peer.gid)), "pid": .integer(Int64(peer.pid)),
                "groups": .array(peer.groups.sorted().map { .integer(Int64($0)) }),
            ]))
        case (.override, "full-disk"):
            return .error(.persistence, "not changed: could not save the state: /var/lib/tierd/state.json: No space left on device (errno 28)")
        case (.override, _):
            return request.tier == "platinum" ? .error(.unknownTier, "no tier platinum") : .done
        case (.clear, "carol"):
            return .error(.forbidden, "not yours")
        case (.clear, _):
            return .status(Fixtures.bob)
        case (.reload, _):
            return .error(.configError, "config has 2 errors",
                          details: ["/etc/tierd/tierd.toml:3: unknown key 'x'", "/etc/tierd/tierd.toml:9: no catch-all tier"])
        case (.metrics, _):
            return .metrics("# TYPE tierd_users gauge\ntierd_users 2\n")
        case (.health, _):
            return .health(Fixtures.degraded)
        case (.plan, _):
            // Echoes the path it was sent, so a test sees the files travelled by content.
            var plan = Fixtures.plan
            plan.warnings = ["planned for \(request.plan?.config.path ?? "?") (\(request.plan?.config.text.count ?? 0) bytes)"]
            return .plan(plan)
        case (.counters, _):
            return .counters(Fixtures.counters)
        case (.status, _):
            return .error(.internal, "unreachable")
        }
    }
}

/// A control server on a fresh socket in its own temporary directory, stopped by `finish()`.
struct TestServer {
    let directory: TemporaryDirectory
    let path: String
    let server: ControlServer

    init(
        limits: ControlServerLimits = .init(), handler: any ControlHandler = FakeControlHandler(),
        isAdmin: @escaping @Sendable (PeerCredentials) -> Bool = { $0.uid == 0 }
    ) async throws {
        directory = try TemporaryDirectory(prefix: "tierd-ctl")
        path = directory.path + "/control.sock"
        server = ControlServer(path: path, limits: limits, handler: handler, isAdmin: isAdmin)
        try await server.start()
    }

    /// Runs `body` against a fresh server and finishes the server (and its directory) also
    /// when `body` throws.
    static func serving(
        limits: ControlServerLimits = .init(), isAdmin: @escaping @Sendable (PeerCredentials) -> Bool = { $0.uid == 0 },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let server = try await TestServer(limits: limits, isAdmin: isAdmin)
        do {
            try await body(server)
        } catch {
            await server.finish()
            throw error
        }
        await server.finish()
    }

    /// Generous timeout: the suites run in parallel on a small machine.
    var client: ControlClient { ControlClient(socketPath: path, timeout: .seconds(30)) }

    func finish() async {
        await server.stop()
        directory.remove()
    }
}
