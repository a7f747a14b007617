import Foundation
import TestSupport

/// What the feed robustness tests read back from the daemon (they start, kill and restart
/// it many times against the same state directory) through `tierctl`.
extension DaemonFixture {
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
}
