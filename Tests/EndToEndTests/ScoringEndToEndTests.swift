import Foundation
import Testing
import TestSupport

/// The scoring rules through the real daemon: changes caused by time alone (decay, override
/// expiry, staleness, the end of min_dwell) reach the kernel and `tierctl status` on time
/// (not before the instant `explain` announced, at most 1 s after), and each is one line
/// in the audit log stamped with that instant and its reason.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct ScoringEndToEndTests {
    /// A score of 0 decays toward the baseline 1000 with a half-life of 3 s:
    /// `score(t) = 1000 - 1000 * 2^(-t/3)`. It reaches reduced's up threshold 525 (500 +
    /// hysteresis 25) at t = 3 log2(1000/475) = 3.222 s, and full's 825 at t = 3 log2(1000/175)
    /// = 7.544 s. The kernel class is created (minimal), changed in place (reduced), removed (full).
    @Test func decayMovesAUserUpOnTime() throws {
        let scenario = try DaemonFixture(scoring: ScoringSettings(halfLife: "3s", hysteresis: 25, staleAfter: "0s"))
        defer { scenario.tearDown() }
        try scenario.start()

        #expect(try scenario.push("alice", 0))
        #expect(try scenario.status("alice")["tier"] as? String == "minimal")
        let classes = try scenario.kernel.classes()
        let handle = try #require(try scenario.kernel.classHandle(rate: "2Mbit"), "no class: \(classes)")

        let first = try scenario.explain("alice")
        let scoredAt = try #require(epochSeconds(first["raw_score_at"]))
        let next = try #require(first["next_change"] as? [String: Any], "\(first)")
        #expect(next["reason"] as? String == "decay-crossing")
        let toReduced = try #require(epochSeconds(next["at"]))
        #expect(abs(toReduced - scoredAt - 3 * log2(1000.0 / 475)) < 0.005, "due \(toReduced - scoredAt)s after the event")

        // What an operator reads: raw and decayed score, the ladder, what happens next.
        let human = try tierctl(scenario.ctl + ["explain", "alice"]).output
        for expected in [
            "rule:         threshold", "(raw 0 at ", "decaying toward 1000, half-life 3s",
            ": the decaying score crosses a tier boundary", "*  minimal  -", "   reduced  500        525    20Mbit",
        ] {
            #expect(human.contains(expected), "missing \"\(expected)\" in:\n\(human)")
        }

        var watch = OnTimeWatch(due: toReduced)
        try watch.run {
            let tier = try scenario.status("alice")["tier"] as? String
            let classes = try scenario.kernel.classes()
            let changed = tier == "reduced" && classes.contains(" rate 20Mbit ") && !classes.contains(" rate 2Mbit ")
            return (changed, "tier \(tier ?? "?"), classes:\n\(classes)")
        }
        watch.expectOnTime("minimal -> reduced by decay")
        #expect(try scenario.kernel.classHandle(rate: "20Mbit") == handle, "the class must be changed in place")

        let second = try scenario.explain("alice")
        let toFull = try #require(epochSeconds((second["next_change"] as? [String: Any])?["at"]), "\(second)")
        #expect(abs(toFull - scoredAt - 3 * log2(1000.0 / 175)) < 0.005)
        var watchFull = OnTimeWatch(due: toFull)
        try watchFull.run {
            let tier = try scenario.status("alice")["tier"] as? String
            let classes = try scenario.kernel.classes()
            let changed = tier == "full" && !classes.contains(" rate 20Mbit ")
            return (changed, "tier \(tier ?? "?"), classes:\n\(classes)")
        }
        watchFull.expectOnTime("reduced -> full by decay")
        #expect(try scenario.kernel.classHandle(rate: "20Mbit") == nil)
        print("decay: observed \(Self.ms(watch.observedLatency)) and \(Self.ms(watchFull.observedLatency)) after the due instants")

        let audit = try scenario.audit("alice")
        #expect(audit.count == 3, "\(audit)")
        if audit.count == 3 {
            #expect(audit[0]["from"] as? String == "full" && audit[0]["to"] as? String == "minimal")
            Self.expectAudit(audit[1], from: "minimal", to: "reduced", at: toReduced, rule: "threshold", reason: "score decayed across a threshold")
            Self.expectAudit(audit[2], from: "reduced", to: "full", at: toFull, rule: "threshold", reason: "score decayed across a threshold")
            #expect((audit[1]["score"] as? Double ?? 0) >= 525 && (audit[1]["score"] as? Double ?? 0) < 526, "\(audit[1])")
            #expect((audit[2]["score"] as? Double ?? 0) >= 825 && (audit[2]["score"] as? Double ?? 0) < 826, "\(audit[2])")
        }
    }

    /// `override bob full --for 2s`: the class disappears at once, and comes back when the
    /// override expires (2 s later, as `explain` says), with the audit reason "override expired".
    @Test func overrideExpiresOnTime() throws {
        let scenario = try DaemonFixture(scoring: ScoringSettings(staleAfter: "0s"))
        defer { scenario.tearDown() }
        try scenario.start()

        #expect(try scenario.push("bob", 300))
        #expect(try scenario.kernel.classHandle(rate: "2Mbit") != nil)
        let set = try tierctl(scenario.ctl + ["override", "bob", "full", "--for", "2s", "--reason", "ticket 7"])
        #expect(set.status == 0, "\(set.output)")
        #expect(try scenario.status("bob")["tier"] as? String == "full")
        #expect(try scenario.kernel.classHandle(rate: "2Mbit") == nil, "override to an unthrottled tier removes the class")

        let explanation = try scenario.explain("bob")
        #expect(explanation["rule"] as? String == "override")
        let next = try #require(explanation["next_change"] as? [String: Any], "\(explanation)")
        #expect(next["reason"] as? String == "override-expiry")
        let expiry = try #require(epochSeconds(next["at"]))
        let setAt = try #require(epochSeconds((explanation["override"] as? [String: Any])?["set_at"]))
        #expect(abs(expiry - setAt - 2) < 0.002)

        let human = try tierctl(scenario.ctl + ["explain", "bob"])
        #expect(human.output.contains("full until "), "\(human.output)")
        #expect(human.output.contains(#"reason "ticket 7""#), "\(human.output)")
        #expect(human.output.contains("the override expires and the score decides again"), "\(human.output)")

        var watch = OnTimeWatch(due: expiry)
        try watch.run {
            let status = try scenario.status("bob")
            let classes = try scenario.kernel.classes()
            let changed = status["tier"] as? String == "minimal" && status["override"] is NSNull && classes.contains(" rate 2Mbit ")
            return (changed, "status \(status), classes:\n\(classes)")
        }
        watch.expectOnTime("override expiry")
        print("override expiry: observed \(Self.ms(watch.observedLatency)) after the due instant")

        let audit = try scenario.audit("bob")
        #expect(audit.count == 3, "\(audit)")
        if audit.count == 3 {
            #expect(audit[1]["rule"] as? String == "override" && audit[1]["reason"] as? String == "ticket 7", "\(audit[1])")
            Self.expectAudit(audit[2], from: "full", to: "minimal", at: expiry, rule: "threshold", reason: "override expired")
            #expect(audit[2]["score"] as? Double == 300)
        }
    }

    /// With `stale_after = "2s"`, a user who sends nothing falls back to the default tier
    /// (fail open) 2 s after their last event: class removed, rule `stale`.
    @Test func staleUserFallsBackToTheDefaultTierOnTime() throws {
        let scenario = try DaemonFixture(scoring: ScoringSettings(staleAfter: "2s"))
        defer { scenario.tearDown() }
        try scenario.start()

        #expect(try scenario.push("carol", 600))
        #expect(try scenario.status("carol")["tier"] as? String == "reduced")
        let explanation = try scenario.explain("carol")
        let next = try #require(explanation["next_change"] as? [String: Any], "\(explanation)")
        #expect(next["reason"] as? String == "stale")
        let staleAt = try #require(epochSeconds(next["at"]))
        #expect(epochSeconds(explanation["stale_at"]) == staleAt)
        #expect(abs(staleAt - (epochSeconds(explanation["raw_score_at"]) ?? 0) - 2) < 0.002)

        var watch = OnTimeWatch(due: staleAt)
        try watch.run {
            let tier = try scenario.status("carol")["tier"] as? String
            let classes = try scenario.kernel.classes()
            return (tier == "full" && !classes.contains(" rate 20Mbit "), "tier \(tier ?? "?"), classes:\n\(classes)")
        }
        watch.expectOnTime("staleness")
        print("staleness: observed \(Self.ms(watch.observedLatency)) after the due instant")
        #expect(try scenario.explain("carol")["rule"] as? String == "stale")

        let audit = try scenario.audit("carol")
        #expect(audit.count == 2, "\(audit)")
        if audit.count == 2 {
            Self.expectAudit(audit[1], from: "reduced", to: "full", at: staleAt, rule: "stale", reason: "no event for stale_after")
        }
    }

    /// With `min_dwell = "4s"`, a better score right after a change does not move the user
    /// until 4 s after that change; then it does, on time.
    @Test func minDwellHoldsABetterScoreUntilItEnds() throws {
        let scenario = try DaemonFixture(scoring: ScoringSettings(minDwell: "4s", staleAfter: "0s"))
        defer { scenario.tearDown() }
        try scenario.start()

        #expect(try scenario.push("alice", 300))
        #expect(try scenario.status("alice")["tier"] as? String == "minimal")
        #expect(try scenario.push("alice", 900))
        #expect(try scenario.status("alice")["tier"] as? String == "minimal", "held by min_dwell")
        let explanation = try scenario.explain("alice")
        #expect(explanation["rule"] as? String == "dwell-hold")
        let next = try #require(explanation["next_change"] as? [String: Any], "\(explanation)")
        #expect(next["reason"] as? String == "dwell-end")
        let dwellEnd = try #require(epochSeconds(next["at"]))
        #expect(epochSeconds(explanation["dwell_until"]) == dwellEnd)
        #expect(abs(dwellEnd - (epochSeconds(explanation["since"]) ?? 0) - 4) < 0.002)

        var watch = OnTimeWatch(due: dwellEnd)
        try watch.run {
            let tier = try scenario.status("alice")["tier"] as? String
            let classes = try scenario.kernel.classes()
            return (tier == "full" && !classes.contains(" rate 2Mbit "), "tier \(tier ?? "?"), classes:\n\(classes)")
        }
        watch.expectOnTime("end of min_dwell")
        print("min_dwell: observed \(Self.ms(watch.observedLatency)) after the due instant")

        let audit = try scenario.audit("alice")
        #expect(audit.count == 2, "\(audit)")
        if audit.count == 2 {
            Self.expectAudit(audit[1], from: "minimal", to: "full", at: dwellEnd, rule: "threshold", reason: "min_dwell ended")
        }
    }

    // MARK: Helpers

    static func expectAudit(
        _ line: [String: Any], from: String, to: String, at due: Double, rule: String, reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(line["from"] as? String == from && line["to"] as? String == to, "\(line)", sourceLocation: sourceLocation)
        #expect(line["rule"] as? String == rule, "\(line)", sourceLocation: sourceLocation)
        #expect(line["reason"] as? String == reason, "\(line)", sourceLocation: sourceLocation)
        // The change is stamped with the instant it became due, not when the tick ran.
        let time = epochSeconds(line["time"])
        #expect(time.map { abs($0 - due) < 0.002 } == true, "audit time \(line["time"] ?? "-") vs due \(due)", sourceLocation: sourceLocation)
    }

    static func ms(_ seconds: Double?) -> String {
        seconds.map { "\(Int(($0 * 1000).rounded())) ms" } ?? "never"
    }
}
