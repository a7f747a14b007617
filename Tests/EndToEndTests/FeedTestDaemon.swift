import Foundation
import TestSupport

/// One tierd under test that the feed robustness tests start, kill and restart many times
/// against the same state directory, and read back through `tierctl`.
///
/// Every start gets its own log file (kept in the test's temporary directory) so a failure
/// can show what the last incarnation said.
final class FeedTestDaemon {
    let setup: DaemonSetup
    let net: TestNetwork
    private let directory: String
    private(set) var process: DaemonProcess?
    private(set) var starts = 0

    var ctl: [String] { ["--socket", setup.controlSocket] }
    var feedSocket: String { setup.directory + "/feed.sock" }

    /// Writes the usual config (no decay, no hysteresis, no dwell: scores are exact sums) and,
    /// when `extraUsers` > 0, a users file with that many more users `u0`, `u1`, ... besides
    /// alice, bob and carol (each needs no kernel class while unthrottled).
    init(net: TestNetwork, directory: String, extraUsers: Int = 0) throws {
        self.net = net
        self.directory = directory
        setup = try DaemonSetup(directory: directory, interface: net.serverInterface)
        if extraUsers > 0 {
            var users = "id,addresses,unix_user\nalice,10.98.0.11 fd98::11,\nbob,10.98.0.12/32,\ncarol,10.98.1.0/30 fd98:1::/64,\n"
            for index in 0..<extraUsers {
                users += "u\(index),10.99.\(index / 250).\(index % 250 + 1),\n"
            }
            try users.write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        }
    }

    /// Starts tierd and waits until it answers `health` (or `timeout` passes).
    @discardableResult
    func start(timeout: Double = 15) throws -> Bool {
        try launch()
        return try waitHealthy(timeout: timeout)
    }

    /// Starts tierd without waiting for it (a test may kill it while it is still starting).
    func launch() throws {
        starts += 1
        process = try DaemonProcess(
            configPath: setup.configPath, namespace: net.serverNS, logPath: directory + "/tierd-\(starts).log")
    }

    /// Waits until the daemon answers `health` with exit 0.
    func waitHealthy(timeout: Double = 15) throws -> Bool {
        try eventually(timeout: timeout) { try tierctl(ctl + ["health"]).status == 0 }
    }

    /// `kill -9`: no shutdown handler runs, nothing is flushed.
    func kill9() {
        process?.stop(signal: SIGKILL)
        process = nil
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        defer { process = nil }
        return process?.stop() ?? 0
    }

    var log: String { process?.log ?? "" }

    /// Every user's score, from one `tierctl status --json`.
    func scores() throws -> [String: Double] {
        guard let users = try controlJSON(["status", "--json"])?["users"] as? [[String: Any]] else { return [:] }
        var result: [String: Double] = [:]
        for user in users {
            if let id = user["user"] as? String, let score = (user["score"] as? NSNumber)?.doubleValue { result[id] = score }
        }
        return result
    }

    /// One user's score, or nil when the daemon does not answer.
    func score(_ user: String) throws -> Double? {
        let status = try controlJSON(["status", user, "--json"])?["status"] as? [String: Any]
        return (status?["score"] as? NSNumber)?.doubleValue
    }

    /// A score for a failure message (never throws: messages cannot).
    func scoreText(_ user: String) -> String {
        ((try? score(user)) ?? nil).map { "\($0)" } ?? "unavailable"
    }

    /// The `feed` health object for a failure message.
    func feedHealthText() -> String {
        ((try? feedHealth()) ?? [:]).description
    }

    /// The `feed` object of `tierctl health --json`.
    func feedHealth() throws -> [String: Any] {
        let health = try controlJSON(["health", "--json"])?["health"] as? [String: Any]
        return health?["feed"] as? [String: Any] ?? [:]
    }

    /// The `status` of `tierctl health --json` ("ok" / "degraded"), nil when unreachable.
    func healthStatus() throws -> String? {
        (try controlJSON(["health", "--json"])?["health"] as? [String: Any])?["status"] as? String
    }

    /// The reply of a `--json` command; also on exit 1, which `health` uses for "degraded".
    private func controlJSON(_ arguments: [String]) throws -> [String: Any]? {
        let result = try tierctl(ctl + arguments)
        guard result.status == 0 || result.status == 1 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
    }
}
