import Foundation
import Testing
import TestSupport

/// The contract's changing commands through the real binaries: push (feed socket),
/// override/clear, explain, reload with a good and a broken config, metrics.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct ControlCommandsEndToEndTests {
    @Test func pushOverrideClearAndExplain() throws {
        let run = try DaemonFixture()
        defer { run.tearDown() }
        try run.start()

        let pushed = try run.push(["bob", "600", "--json"])
        #expect(pushed.status == 0, "\(pushed.output)")
        #expect(pushed.output.contains(#""accepted":1"#))
        // Accepted means applied: the status already shows it.
        #expect(try run.tier("bob") == "reduced")
        #expect(try run.push(["bob", "--delta", "-200", "--reason", "test"]).status == 0)
        #expect(try run.tier("bob") == "minimal")

        let override = try tierctl(run.ctl + ["override", "bob", "full", "--for", "1h", "--reason", "ticket 1"])
        #expect(override.status == 0, "\(override.output)")
        let status = try run.status("bob")
        #expect(status["tier"] as? String == "full")
        #expect((status["override"] as? [String: Any])?["reason"] as? String == "ticket 1")
        #expect(status["download"] is NSNull)

        let explain = try tierctl(run.ctl + ["explain", "bob", "--json"])
        #expect(explain.status == 0)
        #expect(explain.output.contains(#""rule":"override""#) || explain.output.contains(#""rule" : "override""#), "\(explain.output)")

        #expect(try tierctl(run.ctl + ["override", "bob", "platinum"]).status == 1)
        #expect(try tierctl(run.ctl + ["clear", "bob"]).status == 0)
        #expect(try run.tier("bob") == "minimal")

        let metrics = try tierctl(run.ctl + ["metrics"])
        #expect(metrics.status == 0)
        #expect(metrics.output.contains("tierd_users{tier=\"minimal\"} 1"), "\(metrics.output)")
        // bob alone is in a tier with rates (the others sit in the unthrottled default).
        #expect(metrics.output.contains("tierd_users_throttled 1"), "\(metrics.output)")
        #expect(!metrics.output.contains("bob"), "metrics must not carry user ids")

        let audit = try String(contentsOfFile: run.dir.path + "/state/audit.jsonl", encoding: .utf8)
        #expect(audit.split(separator: "\n").count == 4, "\(audit)")
    }

    @Test func reloadChangesRatesInPlaceAndRefusesABrokenConfig() throws {
        let run = try DaemonFixture()
        defer { run.tearDown() }
        try run.start()
        #expect(try run.push(["alice", "600"]).status == 0)
        let before = try run.kernel.classes()
        #expect(before.contains("rate 20Mbit"), "\(before)")
        let handle = classHandle(in: before, rate: "20Mbit")

        // Good config: reduced becomes 30 Mbit/s, dave is added to the users file.
        var config = try String(contentsOfFile: run.setup.configPath, encoding: .utf8)
        config = config.replacingOccurrences(of: #"download = "20mbit""#, with: #"download = "30mbit""#)
        try config.write(toFile: run.setup.configPath, atomically: true, encoding: .utf8)
        let users = run.dir.path + "/users.csv"
        try (try String(contentsOfFile: users, encoding: .utf8) + "dave,10.98.2.1,\n").write(toFile: users, atomically: true, encoding: .utf8)
        let reload = try tierctl(run.ctl + ["reload"])
        #expect(reload.status == 0, "\(reload.output)")
        let after = try run.kernel.classes()
        #expect(classHandle(in: after, rate: "30Mbit") == handle, "class changed in place: \(after)")
        #expect(try run.tier("dave") == "full")

        // Broken config: refused with file:line, exit 78, the old one keeps serving.
        try (config + "\n[[tier]]\nname = \"reduced\"\nmin_score = 100\n").write(toFile: run.setup.configPath, atomically: true, encoding: .utf8)
        let refused = try tierctl(run.ctl + ["reload"])
        #expect(refused.status == 78, "\(refused.output)")
        #expect(refused.output.contains("tierd.toml:"), "\(refused.output)")
        #expect(try run.tier("alice") == "reduced")
        #expect(try tierctl(run.ctl + ["health"]).status == 0)
    }

    private func classHandle(in text: String, rate: String) -> String? {
        for line in text.split(separator: "\n") where line.contains("rate \(rate) ") {
            return line.split(separator: " ").dropFirst(2).first.map(String.init)
        }
        return nil
    }
}

extension DaemonFixture {
    /// `tierctl push ARGS` against this daemon's feed socket.
    func push(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestSupport.tierctl(["push"] + arguments + ["--feed-socket", feedSocket])
    }

    func tier(_ user: String) throws -> String? {
        try status(user)["tier"] as? String
    }

    /// `tc class show` on the shaped interface (download classes), as text.
    func classes() throws -> String {
        try net.run(net.serverNS, ["tc", "class", "show", "dev", net.serverInterface])
    }
}
