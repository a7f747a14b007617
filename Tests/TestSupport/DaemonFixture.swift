import Foundation

/// One tierd under test, the one way tests start a daemon: its own network namespaces and
/// temporary directory, `DaemonSetup`'s config and users file, the tierd process (started,
/// stopped, killed and restarted as the test needs), and `tierctl` pointed at its socket.
///
/// Create it, `defer { fixture.tearDown() }` on the next line, edit `setup` if the test needs
/// another config, then `start()`. `tearDown` kills the daemon and removes the namespaces and
/// the directory; it runs once, and `deinit` runs it too if a test forgot, so nothing is left
/// behind whichever way the test ends.
///
/// Every start gets its own log file (`tierd-N.log` in the directory), so a failure can show
/// what the last incarnation said.
public final class DaemonFixture {
    public let net: TestNetwork
    public let dir: TemporaryDirectory
    public let setup: DaemonSetup
    public private(set) var process: DaemonProcess?
    /// How many times tierd was launched.
    public private(set) var starts = 0
    private var tornDown = false

    /// - Parameters:
    ///   - scoring: the `[scoring]` timing (default: exact sums, no decay, hysteresis or dwell).
    ///   - extraUsers: users `u0`, `u1`, ... besides alice, bob and carol (each needs no kernel
    ///     class while unthrottled), for tests that need many.
    public init(scoring: ScoringSettings = .exact, extraUsers: Int = 0) throws {
        net = try TestNetwork.make()
        do {
            dir = try TemporaryDirectory()
        } catch {
            net.destroy()
            throw error
        }
        do {
            setup = try DaemonSetup(directory: dir.path, interface: net.serverInterface, scoring: scoring)
            if extraUsers > 0 {
                var users = "id,addresses,unix_user\nalice,10.98.0.11 fd98::11,\nbob,10.98.0.12/32,\ncarol,10.98.1.0/30 fd98:1::/64,\n"
                for index in 0..<extraUsers {
                    users += "u\(index),10.99.\(index / 250).\(index % 250 + 1),\n"
                }
                try users.write(toFile: dir.path + "/users.csv", atomically: true, encoding: .utf8)
            }
        } catch {
            dir.remove()
            net.destroy()
            throw error
        }
    }

    deinit { tearDown() }

    public var configPath: String { setup.configPath }
    public var controlSocket: String { setup.controlSocket }
    public var feedSocket: String { dir.path + "/feed.sock" }
    public var feedPath: String { setup.feedPath }
    public var stateDir: String { dir.path + "/state" }
    public var auditPath: String { stateDir + "/audit.jsonl" }
    /// `tierctl`'s arguments that name this daemon's control socket.
    public var ctl: [String] { ["--socket", controlSocket] }
    /// The shaped interface and its IFB, read with `tc` and `bpftool`.
    public var kernel: KernelObservation { KernelObservation(net: net) }
    /// The current incarnation's log ("" when none runs).
    public var log: String { process?.log ?? "" }

    public struct DaemonFailedToStart: Error, CustomStringConvertible {
        public let log: String
        public var description: String { "tierd did not become healthy; log:\n\(log)" }
    }

    /// Starts tierd (again) and waits until it answers `health`; throws with its log if it
    /// does not within `timeout` seconds.
    public func start(timeout: Double = 20, environment: [String: String] = [:]) throws {
        try launch(environment: environment)
        guard try waitHealthy(timeout: timeout) else { throw DaemonFailedToStart(log: log) }
    }

    /// Starts tierd without waiting for it (a test may kill it while it is still starting,
    /// or watch what it does before it is ready).
    public func launch(environment: [String: String] = [:]) throws {
        starts += 1
        process = try DaemonProcess(
            configPath: configPath, namespace: net.serverNS, logPath: dir.path + "/tierd-\(starts).log",
            environment: environment)
    }

    /// Waits until the daemon answers `health` with exit 0.
    public func waitHealthy(timeout: Double = 20) throws -> Bool {
        try eventually(timeout: timeout) { try tierctl(["health"]).status == 0 }
    }

    /// Stops tierd with `signal` (SIGTERM: graceful) and returns its exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        defer { process = nil }
        return process?.stop(signal: signal) ?? 0
    }

    /// `kill -9`: no shutdown handler runs, nothing is flushed.
    public func kill9() {
        stop(signal: SIGKILL)
    }

    /// Kills tierd and removes the namespaces and the directory (once).
    public func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        kill9()
        net.destroy()
        dir.remove()
    }

    /// Runs `tierctl` against this daemon's control socket.
    public func tierctl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestSupport.tierctl(ctl + arguments)
    }

    /// The reply of a `--json` command, nil when it exited otherwise than with one of
    /// `statuses` (by default also 1, which `health` uses for "degraded") or is no JSON object.
    public func controlJSON(_ arguments: [String], statuses: Set<Int32> = [0, 1]) throws -> [String: Any]? {
        let result = try tierctl(arguments)
        guard statuses.contains(result.status) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
    }

    /// `tierctl status USER --json`'s user object (empty on failure).
    public func status(_ user: String) throws -> [String: Any] {
        try controlJSON(["status", user, "--json"], statuses: [0])?["status"] as? [String: Any] ?? [:]
    }

    /// `tierctl explain USER --json`'s explanation object (empty on failure).
    public func explain(_ user: String) throws -> [String: Any] {
        guard let reply = try controlJSON(["explain", user, "--json"], statuses: [0]) else { return [:] }
        return reply["explanation"] as? [String: Any] ?? reply
    }

    /// `tierctl push USER SCORE` over the feed socket; true once the event is applied.
    @discardableResult
    public func push(_ user: String, _ score: Int) throws -> Bool {
        try TestSupport.tierctl(["push", user, String(score), "--feed-socket", feedSocket]).status == 0
    }

    /// Appends to the feed file.
    public func appendFeed(_ text: String) throws {
        try setup.appendFeed(text)
    }

    /// Every audit line for `user`, parsed, oldest first.
    public func audit(_ user: String) throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: auditPath) else { return [] }
        let text = try String(contentsOfFile: auditPath, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.filter { $0["user"] as? String == user }
    }
}
