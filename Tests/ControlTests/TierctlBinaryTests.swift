#if canImport(Glibc)
import TestSupport
import Glibc
#endif
import Control
import Foundation
import Testing

/// The built `tierctl` executable as a process: real exit statuses and output streams.
/// Skipped when the executable was not built next to the test bundle.
@Suite(.enabled(if: TierctlBinary.url != nil, "tierctl executable not built next to the tests"))
struct TierctlBinaryTests {
    @Test func printsTheStatusTableAndExitsZero() async throws {
        let server = try await TestServer()
        let result = try await TierctlBinary.run(["--socket", server.path, "status"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("USER "))
        #expect(result.stdout.contains("\nalice  reduced  640 "))
        await server.finish()
    }

    @Test func jsonPrintsTheDaemonsReplyLine() async throws {
        let server = try await TestServer()
        let result = try await TierctlBinary.run(["--socket", server.path, "status", "alice", "--json"])
        #expect(result.status == 0)
        #expect(result.stdout == (try ControlWire.encodeLine(ControlReply.status(Fixtures.alice))) + "\n")
        await server.finish()
    }

    @Test func refusedReloadPrintsEveryErrorAndExits78() async throws {
        let server = try await TestServer()
        let result = try await TierctlBinary.run(["--socket", server.path, "reload"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("config_error: config has 2 errors"))
        #expect(result.stderr.contains("tierd.toml:3: unknown key 'x'"))
        #expect(result.stderr.contains("tierd.toml:9: no catch-all tier"))
        await server.finish()
    }

    /// A change the daemon could not make durable: the reason (file and errno) is printed
    /// and tierctl exits 1, never 0.
    @Test func anOverrideThatCouldNotBeSavedPrintsWhyAndExits1() async throws {
        let server = try await TestServer()
        let result = try await TierctlBinary.run(["--socket", server.path, "override", "full-disk", "minimal"])
        #expect(result.status == 1)
        #expect(result.stderr == "tierctl: persistence: not changed: could not save the state: /var/lib/tierd/state.json: No space left on device (errno 28)\n")
        #expect(result.stdout.isEmpty)
        await server.finish()
    }

    /// A refused push (tierd could not journal the event) is a well-formed reply line with
    /// a reason; tierctl prints the reason and exits 1 (it used to say "unreadable reply").
    @Test func aRefusedPushPrintsTheReasonAndExits1() async throws {
        try await withTemporaryDirectory(prefix: "tierd-ctl") { directory in
            let refusing = try FakeFeedServer(
                path: directory.file("feed.sock"),
                refusal: #"{"accepted":0,"rejected":1,"errors":[],"error":"apply_failed","message":"the events were not applied: /var/lib/tierd/journal-3.jsonl: No space left on device (errno 28)"}"#)
            let result = try await TierctlBinary.run(["push", "alice", "640", "--feed-socket", refusing.path])
            #expect(result.status == 1)
            #expect(result.stdout == "accepted 0, rejected 1\n")
            #expect(result.stderr == "tierctl: refused (apply_failed): the events were not applied: /var/lib/tierd/journal-3.jsonl: No space left on device (errno 28)\n")
            // An older daemon's refusal (no counts) is read too.
            let older = try FakeFeedServer(
                path: directory.file("old.sock"), refusal: #"{"error":"too_many_connections","message":"retry later"}"#)
            let oldResult = try await TierctlBinary.run(["push", "alice", "640", "--feed-socket", older.path])
            #expect(oldResult.status == 1)
            #expect(oldResult.stderr == "tierctl: refused (too_many_connections): retry later\n")
        }
    }

    @Test func metricsAreRaw() async throws {
        let server = try await TestServer()
        let result = try await TierctlBinary.run(["--socket", server.path, "metrics"])
        #expect(result.status == 0)
        #expect(result.stdout == "# TYPE tierd_users gauge\ntierd_users 2\n")
        await server.finish()
    }

    @Test func unreachableDaemonNamesSocketAndErrno() async throws {
        let result = try await TierctlBinary.run(["--socket", "/tmp/tierd-no-such-dir/c.sock", "health"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("/tmp/tierd-no-such-dir/c.sock"))
        #expect(result.stderr.contains("No such file or directory"))
        #expect(result.stdout.isEmpty)
    }

    /// The operator's spelling: one `--socket`, and the event reaches that daemon's feed socket.
    @Test func pushWithOnlySocketReachesTheDaemonsFeedSocket() async throws {
        let directoryDirectory = try TemporaryDirectory(prefix: "tierd-ctl")
        defer { directoryDirectory.remove() }
        let directory = directoryDirectory.path
        let feed = try FakeFeedServer(path: directory + "/feed.sock")
        let server = try await TestServer(handler: FeedSocketHealthHandler(feedSocket: feed.path))
        let result = try await TierctlBinary.run(["--socket", server.path, "push", "alice", "--delta", "-40"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "accepted 1, rejected 0\n")
        #expect(feed.receivedLines == [#"{"delta":-40,"user":"alice"}"#])
        await server.finish()
    }

    @Test func planSendsTheFilesAndPrintsTheReport() async throws {
        let server = try await TestServer()
        let directory = try TemporaryDirectory(prefix: "tierd-plan")
        defer { directory.remove() }
        let config = directory.path + "/new.toml"
        try "[daemon]\nadmin_group = \"tierd\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await TierctlBinary.run(["--socket", server.path, "plan", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("tiers: 2 users would move\n  alice: full -> reduced (threshold, score 640)\n"), "\(result.stdout)")
        #expect(result.stdout.contains("warnings:\n  planned for \(config) (31 bytes)\n"), "\(result.stdout)")
        await server.finish()
    }

    @Test func planOfAnUnreadableFileExits66WithoutAsking() async throws {
        let result = try await TierctlBinary.run(["--socket", "/nonexistent/control.sock", "plan", "--config", "/nonexistent/new.toml"])
        #expect(result.status == 66)
        #expect(result.stderr == "tierctl: /nonexistent/new.toml: No such file or directory\n")
    }

    @Test func badUsageExits64() async throws {
        #expect(try await TierctlBinary.run(["frobnicate"]).status == 64)
        #expect(try await TierctlBinary.run(["push", "alice"]).status == 64)
    }
}

enum TierctlBinary {
    /// `tierctl` in the build products directory that holds the running test bundle.
    static let url: URL? = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("tierctl")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Whether tests may run tierctl as another user (root, and `runuser` present).
    static var canSwitchUser: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") && url != nil
    }

    /// Whether tests may run tierctl with other groups (root, and `setpriv` present).
    static var canSetGroups: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") && url != nil
    }

    /// Runs tierctl with `arguments`, as `user` (through runuser) when given, or through
    /// `setpriv` with `setpriv` options (other groups, same uid) when given.
    static func run(_ arguments: [String], as user: String? = nil, setpriv: [String]? = nil) async throws -> Result {
        let process = Process()
        if let setpriv, let url {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = setpriv + [url.path] + arguments
        } else if let user, let url {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", user, "--", url.path] + arguments
        } else {
            process.executableURL = url
            process.arguments = arguments
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        // Wait without blocking a cooperative thread: the server under test needs them.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}

/// An unprivileged local user against the server: credentials from the kernel, world
/// connectable socket, EACCES mapped to 77.
@Suite(.enabled(if: TierctlBinary.canSwitchUser, "needs root, runuser and the tierctl executable"))
struct TierctlUnprivilegedTests {
    @Test func unprivilegedPeerIsIdentifiedByTheKernel() async throws {
        let server = try await TestServer()
        #expect(chmod(server.directory.path, 0o755) == 0)
        let result = try await TierctlBinary.run(["--socket", server.path, "explain", "me", "--json"], as: "nobody")
        #expect(result.status == 0, "\(result.stderr)")
        let reply = try ControlWire.decode(ControlReply.self, from: result.stdout.trimmingCharacters(in: .newlines))
        guard case .explanation(let explanation) = reply else {
            Issue.record("unexpected reply \(reply)")
            return
        }
        let nobody = ControlAuthorizer.userID(named: "nobody")
        #expect(nobody != nil)
        #expect(explanation["uid"] == .integer(Int64(nobody ?? 0)))
        #expect(explanation["uid"] != .integer(0))
        await server.finish()
    }

    @Test func socketWithoutPermissionExits77() async throws {
        let directory = try TemporaryDirectory(prefix: "tierd-ctl")
        #expect(chmod(directory.path, 0o755) == 0)
        let path = directory.path + "/private.sock"
        let server = ControlServer(path: path, mode: 0o600, handler: FakeControlHandler())
        try await server.start()
        let result = try await TierctlBinary.run(["--socket", path, "status"], as: "nobody")
        #expect(result.status == 77)
        #expect(result.stderr.contains("Permission denied"))
        await server.stop()
        directory.remove()
    }
}
