import Testing
@testable import Scoring

@Suite struct ReloadTests {
    @Test func setUsersAddsAndRemoves() throws {
        var engine = ScoringEngine(policy: makePolicy(exempt: ["vip"]), users: ["a", "b"], now: t0)
        _ = engine.set("a", 600, at: t0)
        _ = try engine.setOverride(user: "b", tier: "minimal", until: nil, reason: nil, now: t0)
        let changes = engine.setUsers(["b", "c", "vip"], now: t0 + 1).sorted { $0.user < $1.user }
        #expect(changes == [
            TierChange(user: "a", from: tier("reduced"), to: nil, at: t0 + 1, score: 600, rule: .removed, reason: nil),
            TierChange(user: "c", from: nil, to: tier("full"), at: t0 + 1, score: nil, rule: .added, reason: nil),
            TierChange(user: "vip", from: nil, to: tier("full"), at: t0 + 1, score: nil, rule: .added, reason: nil),
        ])
        #expect(engine.userCount == 3)
        #expect(engine.tier(of: "a") == nil)
        #expect(engine.tier(of: "b")?.name == "minimal")
        // A re-added user starts afresh.
        _ = engine.setUsers(["a", "b", "c", "vip"], now: t0 + 2)
        #expect(engine.status(of: "a", now: t0 + 2)?.rawScore == nil)
        var seen: [String: String] = [:]
        engine.forEachUser { seen[$0] = $1.name }
        #expect(seen == ["a": "full", "b": "minimal", "c": "full", "vip": "full"])
        #expect(Set(engine.userIDs) == ["a", "b", "c", "vip"])
        #expect(engine.tierPopulation == ["full": 3, "reduced": 0, "minimal": 1])
        #expect(engine.tiersByUser.count == 4)
    }

    @Test func updatePolicyReplacesThresholdsAndTiers() throws {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a", "b", "c"], now: t0)
        _ = engine.set("a", 600, at: t0)
        _ = engine.set("b", 850, at: t0)
        _ = try engine.setOverride(user: "c", tier: "reduced", until: nil, reason: nil, now: t0)
        // "reduced" renamed to "half" at 700; "full" now needs 900.
        let tiers = [
            Tier(name: "full", minScore: 900),
            Tier(name: "half", minScore: 700, download: 50_000_000),
            Tier(name: "minimal", download: 2_000_000),
        ]
        let changes = engine.updatePolicy(makePolicy(tiers: tiers), now: t0 + 10)
        #expect(engine.tier(of: "a")?.name == "minimal")
        #expect(engine.tier(of: "b")?.name == "half")
        #expect(engine.override(of: "c") == nil)
        #expect(engine.tier(of: "c")?.name == "full")
        #expect(Set(changes.map { "\($0.user):\($0.fromName)->\($0.toName)" }) == ["a:reduced->minimal", "b:full->half", "c:reduced->full"])
    }
}
