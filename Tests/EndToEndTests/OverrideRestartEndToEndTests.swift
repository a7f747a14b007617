import Foundation
import Testing
import TestSupport

/// Overrides are operator decisions: a restart (graceful or `kill -9`) must keep them,
/// with their expiry, their reason and their kernel class; one that expired while tierd
/// was down ends at its own instant, not at the restart.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct OverrideRestartEndToEndTests {
    @Test func overridesSurviveSigtermAndSigkillWithTheirExpiry() throws {
        let scenario = try DaemonFixture(scoring: ScoringSettings(staleAfter: "0s"))
        defer { scenario.tearDown() }
        try scenario.start()

        for user in ["alice", "bob", "carol"] { #expect(try scenario.push(user, 300)) }
        for arguments in [
            ["bob", "reduced", "--for", "1h", "--reason", "ticket 9"],
            ["carol", "full"],
            ["alice", "full", "--for", "3s"],
        ] {
            let result = try tierctl(scenario.ctl + ["override"] + arguments)
            #expect(result.status == 0, "\(result.output)")
        }
        let bobOverride = try #require(try scenario.status("bob")["override"] as? [String: Any])
        let bobExplained = try scenario.explain("bob")
        let bobUntil = try #require((bobExplained["override"] as? [String: Any])?["until"] as? String)
        let classes = try scenario.kernel.classes()
        let bobHandle = try #require(try scenario.kernel.classHandle(rate: "20Mbit"), "\(classes)")
        let aliceExpiry = try #require(epochSeconds((try scenario.explain("alice")["next_change"] as? [String: Any])?["at"]))

        #expect(scenario.stop(signal: SIGTERM) == 0)
        // alice's override expires while tierd is down.
        while Date().timeIntervalSince1970 < aliceExpiry + 0.5 { usleep(100_000) }
        try scenario.start()

        try expectBobKept(scenario, override: bobOverride, until: bobUntil, handle: bobHandle)
        let carol = try scenario.status("carol")
        #expect(carol["tier"] as? String == "full")
        #expect((carol["override"] as? [String: Any])?["until"] is NSNull, "a permanent override stays permanent: \(carol)")
        let alice = try scenario.status("alice")
        #expect(alice["tier"] as? String == "minimal" && alice["override"] is NSNull, "\(alice)")
        let aliceAudit = try scenario.audit("alice")
        #expect(aliceAudit.last?["reason"] as? String == "override expired", "\(aliceAudit)")
        #expect(epochSeconds(aliceAudit.last?["time"]).map { abs($0 - aliceExpiry) < 0.002 } == true,
                "the change is stamped with the expiry, not the restart: \(aliceAudit)")

        // kill -9: nothing graceful; the override was durable as soon as tierctl returned.
        scenario.stop(signal: SIGKILL)
        try scenario.start()
        try expectBobKept(scenario, override: bobOverride, until: bobUntil, handle: bobHandle)
    }

    private func expectBobKept(
        _ scenario: DaemonFixture, override: [String: Any], until: String, handle: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let status = try scenario.status("bob")
        #expect(status["tier"] as? String == "reduced", "\(status)", sourceLocation: sourceLocation)
        let restored = status["override"] as? [String: Any]
        #expect(restored?["tier"] as? String == "reduced", sourceLocation: sourceLocation)
        #expect(restored?["until"] as? String == override["until"] as? String, "\(status)", sourceLocation: sourceLocation)
        #expect(restored?["reason"] as? String == "ticket 9", sourceLocation: sourceLocation)
        let explained = try scenario.explain("bob")
        #expect((explained["override"] as? [String: Any])?["until"] as? String == until, "\(explained)", sourceLocation: sourceLocation)
        #expect(explained["rule"] as? String == "override", sourceLocation: sourceLocation)
        #expect(try scenario.kernel.classHandle(rate: "20Mbit") == handle, "adopted, not re-created", sourceLocation: sourceLocation)
    }
}
