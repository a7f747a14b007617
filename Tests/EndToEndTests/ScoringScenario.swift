import Foundation
import TestSupport

/// One tierd under test with scoring settings of the test's choosing (short half-lives,
/// dwell and staleness, so that time-driven changes happen within seconds), in its own
/// namespaces and directory. `tearDown()` stops the daemon and removes both; call it in a
/// `defer` right after creating the scenario.
///
/// Config and users are `DaemonSetup`'s: alice, bob and carol, and the tiers full
/// (>= 800, unthrottled, the default), reduced (>= 500, 20/5 Mbit), minimal (catch-all,
/// 2/1 Mbit): a user moving minimal -> reduced -> full has their kernel class created,
/// changed in place, then removed.
final class ScoringScenario {
    let net: TestNetwork
    let dir: TemporaryDirectory
    private(set) var daemon: DaemonProcess?
    private var starts = 0

    var configPath: String { dir.path + "/tierd.toml" }
    var controlSocket: String { dir.path + "/control.sock" }
    var feedSocket: String { dir.path + "/feed.sock" }
    var stateDir: String { dir.path + "/state" }
    var auditPath: String { dir.path + "/state/audit.jsonl" }
    var ctl: [String] { ["--socket", controlSocket] }

    init(halfLife: String = "0s", hysteresis: Int = 0, minDwell: String = "0s", staleAfter: String = "0s") throws {
        net = try TestNetwork.make()
        do {
            dir = try TemporaryDirectory()
        } catch {
            net.destroy()
            throw error
        }
        _ = try DaemonSetup(
            directory: dir.path, interface: net.serverInterface,
            scoring: ScoringSettings(halfLife: halfLife, hysteresis: hysteresis, minDwell: minDwell, staleAfter: staleAfter))
    }

    struct DaemonFailedToStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "tierd did not become healthy; log:\n\(log)" }
    }

    /// Starts tierd (again) and waits until it answers `health`.
    func start() throws {
        starts += 1
        let process = try DaemonProcess(configPath: configPath, namespace: net.serverNS, logPath: dir.path + "/tierd-\(starts).log")
        daemon = process
        guard try eventually(timeout: 20, { try tierctl(ctl + ["health"]).status == 0 }) else {
            throw DaemonFailedToStart(log: process.log)
        }
    }

    /// Stops tierd with `signal` and returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        defer { daemon = nil }
        return daemon?.stop(signal: signal) ?? 0
    }

    func tearDown() {
        stop(signal: SIGKILL)
        net.destroy()
        dir.remove()
    }

    var log: String { daemon?.log ?? "" }

    /// `tierctl push USER SCORE` over the feed socket; returns once the event is applied.
    @discardableResult
    func push(_ user: String, _ score: Int) throws -> Bool {
        try tierctl(["push", user, String(score), "--feed-socket", feedSocket]).status == 0
    }

    /// `tierctl status USER --json`'s user object (empty on failure).
    func status(_ user: String) throws -> [String: Any] {
        try object(["status", user, "--json"])["status"] as? [String: Any] ?? [:]
    }

    /// `tierctl explain USER --json`'s explanation object (empty on failure).
    func explain(_ user: String) throws -> [String: Any] {
        let reply = try object(["explain", user, "--json"])
        return reply["explanation"] as? [String: Any] ?? reply
    }

    private func object(_ arguments: [String]) throws -> [String: Any] {
        let result = try tierctl(ctl + arguments)
        guard result.status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        else { return [:] }
        return object
    }

    /// The download classes on the shaped interface, as `tc class show` prints them.
    func downloadClasses() throws -> String {
        try net.run(net.serverNS, ["tc", "class", "show", "dev", net.serverInterface])
    }

    /// The handle (`1:5`-style) of the download class with exactly this rate, if any.
    func classHandle(rate: String) throws -> String? {
        for line in try downloadClasses().split(separator: "\n") where line.contains(" rate \(rate) ") {
            return line.split(separator: " ").dropFirst(2).first.map(String.init)
        }
        return nil
    }

    /// Every audit line for `user`, parsed, oldest first.
    func audit(_ user: String) throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: auditPath) else { return [] }
        let text = try String(contentsOfFile: auditPath, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.filter { $0["user"] as? String == user }
    }
}

/// Seconds since the Unix epoch of an RFC 3339 instant as the daemon writes it (with or
/// without milliseconds).
func epochSeconds(_ value: Any?) -> Double? {
    guard let text = value as? String else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)?.timeIntervalSince1970
}
