import Foundation
import Testing
import TestSupport

/// `tierctl plan` and `tierd --check --plan` through the real binaries: the plan changes
/// nothing, and a reload of the same files then does exactly what it said (the same tier
/// moves, the same numbers of classes, qdiscs, filters and map entries).
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct PlanEndToEndTests {
    @Test func reloadDoesWhatThePlanSaid() throws {
        let run = try DaemonFixture()
        defer { run.tearDown() }
        try run.start()
        for (user, score) in [("alice", "600"), ("bob", "300"), ("carol", "900")] {
            #expect(try run.push([user, score]).status == 0)
        }
        let config = run.setup.configPath
        let users = run.setup.directory + "/users.csv"
        // Once the ready classes are replenished, planning the running files changes nothing.
        #expect(try eventually(timeout: 10) { try plan(run, ["--config", config])?.isEmpty == true })

        // reduced now starts at 650 (alice, at 600, drops to minimal); minimal gets 3 Mbit/s
        // (bob's class changes in place); bob gains an address; carol leaves, dave arrives.
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "min_score = 500", with: "min_score = 650")
            .replacingOccurrences(of: #"download = "2mbit""#, with: #"download = "3mbit""#)
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        try """
            id,addresses,unix_user
            alice,10.98.0.11 fd98::11,
            bob,10.98.0.12/32 10.98.0.13,
            dave,10.98.2.1,

            """.write(toFile: users, atomically: true, encoding: .utf8)
        let classesBefore = try run.classes()

        let planned = try #require(try plan(run, ["--config", config, "--users", users]))
        let moves = Set(planned.moves)
        #expect(moves == [Move(user: "alice", from: "reduced", to: "minimal", rule: "threshold"),
                          Move(user: "carol", from: "full", to: "", rule: "removed"),
                          Move(user: "dave", from: "", to: "full", rule: "added")])
        #expect(planned.kernel["classes_changed"] == 3, "alice's classes (both directions), bob's download: \(planned.kernel)")
        #expect(planned.kernel["entries_set"] == 2, "bob's new address, both directions: \(planned.kernel)")
        #expect(planned.operations.contains { $0.hasPrefix("set entry 10.98.0.13 -> ") }, "\(planned.operations)")
        // Nothing happened yet.
        #expect(try run.tier("alice") == "reduced")
        #expect(try run.classes() == classesBefore)

        let check = try runProcess(BuiltProducts.tierd, ["--config", config, "--check", "--plan"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("tiers: 3 users would move\n  alice: reduced -> minimal (threshold, score 600)\n"), "\(check.output)")

        let reload = try tierctl(run.ctl + ["reload", "--json"])
        #expect(reload.status == 0, "\(reload.output)")
        let done = try #require(Report(reply: reload.output, key: "reload"))
        #expect(Set(done.moves) == moves)
        #expect(done.kernel == planned.kernel, "planned \(planned.kernel), reload did \(done.kernel)")
        #expect(try run.tier("alice") == "minimal")
        #expect(try plan(run, ["--config", config])?.isEmpty == true, "after the reload, the same files plan nothing")
    }

    @Test func settingsThatNeedARestartAreListedAndABrokenConfigIsRefused() throws {
        let run = try DaemonFixture()
        defer { run.tearDown() }
        try run.start()
        let candidate = run.setup.directory + "/candidate.toml"
        let text = try String(contentsOfFile: run.setup.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: #"ifb = "ifb-tierdt""#, with: #"ifb = "ifb-other""#)
            .write(toFile: candidate, atomically: true, encoding: .utf8)
        let restart = try tierctl(run.ctl + ["plan", "--config", candidate])
        #expect(restart.status == 0, "\(restart.output)")
        #expect(restart.output.hasPrefix("restart required for: network.ifb\n"), "\(restart.output)")

        try (text + "\n[[tier]]\nname = \"full\"\n").write(toFile: candidate, atomically: true, encoding: .utf8)
        let broken = try tierctl(run.ctl + ["plan", "--config", candidate])
        #expect(broken.status == 78, "\(broken.output)")
        #expect(broken.output.contains("candidate.toml:"), "\(broken.output)")
        #expect(try tierctl(run.ctl + ["plan", "--config", run.setup.directory + "/missing.toml"]).status == 66)
    }

    struct Move: Hashable {
        var user, from, to, rule: String
    }

    /// A `plan` or `reload` reply's report: moves, kernel counts, operations.
    struct Report {
        var moves: [Move]
        var kernel: [String: Int]
        var operations: [String]

        var isEmpty: Bool { moves.isEmpty && kernel.values.allSatisfy { $0 == 0 } }

        init?(reply: String, key: String) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any],
                  let report = object[key] as? [String: Any], let kernel = report["kernel"] as? [String: Any] else { return nil }
            moves = (report["moves"] as? [[String: Any]] ?? []).map {
                Move(user: $0["user"] as? String ?? "", from: $0["from"] as? String ?? "", to: $0["to"] as? String ?? "",
                     rule: $0["rule"] as? String ?? "")
            }
            self.kernel = kernel.compactMapValues { $0 as? Int }.filter { !$0.key.hasPrefix("operations") }
            operations = kernel["operations"] as? [String] ?? []
        }
    }

    private func plan(_ run: DaemonFixture, _ arguments: [String]) throws -> Report? {
        let result = try tierctl(run.ctl + ["plan", "--json"] + arguments)
        return result.status == 0 ? Report(reply: result.output, key: "plan") : nil
    }
}
