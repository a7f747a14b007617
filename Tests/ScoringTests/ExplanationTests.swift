import Foundation
import Testing
@testable import Scoring

@Suite struct ExplanationTests {
    @Test func explainsHysteresisHoldWithThresholdsAndNextChange() throws {
        let policy = makePolicy(baseline: 1000, halfLife: 3600, hysteresis: 25, minDwell: 0, staleAfter: 7200)
        var engine = ScoringEngine(policy: policy, users: ["a"], now: t0)
        _ = engine.set("a", 790, at: t0)  // reduced
        _ = engine.set("a", 810, at: t0 + 1) // better than 800 but not 825: held
        let explanation = try #require(engine.explain("a", now: t0 + 1))
        #expect(explanation.tier.name == "reduced")
        #expect(explanation.rule == .hysteresisHold)
        #expect(explanation.rawScore == 810)
        #expect(explanation.scoreAt == t0 + 1)
        #expect(explanation.score == 810)
        #expect(explanation.staleAt == t0 + 7201)
        #expect(explanation.thresholds.map(\.tier.name) == ["full", "reduced", "minimal"])
        #expect(explanation.thresholds.map(\.tier.minScore) == [800, 500, nil])
        #expect(explanation.thresholds.map(\.upThreshold) == [825, 525, nil])
        #expect(explanation.thresholds.map(\.isCurrent) == [false, true, false])
        #expect(explanation.thresholds[1].tier.download == 20_000_000)
        let next = try #require(explanation.nextChange)
        #expect(next.reason == .decayCrossing)
        #expect(next.at == engine.nextDue)
        #expect(explanation.summary.contains("hysteresis"))
        #expect(explanation.summary.contains("825"))
    }

    @Test func explainsDwellHoldAndOverride() throws {
        var engine = ScoringEngine(policy: makePolicy(minDwell: 60), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0)
        _ = engine.set("a", 100, at: t0 + 5)
        let held = try #require(engine.explain("a", now: t0 + 5))
        #expect(held.rule == .dwellHold)
        #expect(held.dwellUntil == t0 + 60)
        #expect(held.nextChange == Explanation.NextChange(at: t0 + 60, reason: .dwellEnd))
        _ = try engine.setOverride(user: "a", tier: "full", until: t0 + 500, reason: "vip event", now: t0 + 6)
        let overridden = try #require(engine.explain("a", now: t0 + 6))
        #expect(overridden.rule == .override)
        #expect(overridden.override?.reason == "vip event")
        #expect(overridden.override?.until == t0 + 500)
        #expect(overridden.nextChange == Explanation.NextChange(at: t0 + 500, reason: .overrideExpiry))
        #expect(overridden.summary.contains("override"))
        // Clearing returns the computed tier at once (placed afresh by thresholds).
        let cleared = engine.clearOverride(user: "a", now: t0 + 7)
        #expect(cleared?.toName == "minimal")
        #expect(cleared?.reason == "override cleared")
        #expect(engine.explain("a", now: t0 + 7)?.rule == .threshold)
    }

    @Test func explainsStaleExemptNoScore() throws {
        var engine = ScoringEngine(policy: makePolicy(staleAfter: 60, exempt: ["vip"]), users: ["a", "vip", "new"], now: t0)
        _ = engine.set("a", 100, at: t0)
        _ = engine.advance(to: t0 + 60)
        #expect(engine.explain("a", now: t0 + 60)?.rule == .stale)
        #expect(engine.explain("a", now: t0 + 60)?.nextChange == nil)
        #expect(engine.explain("vip", now: t0)?.rule == .exempt)
        #expect(engine.explain("vip", now: t0)?.exempt == true)
        #expect(engine.explain("new", now: t0)?.rule == .noScore)
        #expect(engine.explain("new", now: t0)?.score == nil)
        #expect(engine.explain("ghost", now: t0) == nil)
    }

    @Test func overrideRequestsAreValidated() {
        var engine = ScoringEngine(policy: makePolicy(), users: ["a"], now: t0)
        #expect(throws: ScoringError.unknownUser("ghost")) { try engine.setOverride(user: "ghost", tier: "full", until: nil, reason: nil, now: t0) }
        #expect(throws: ScoringError.unknownTier("gold")) { try engine.setOverride(user: "a", tier: "gold", until: nil, reason: nil, now: t0) }
        #expect(throws: ScoringError.expiryNotInFuture(until: t0, now: t0)) { try engine.setOverride(user: "a", tier: "full", until: t0, reason: nil, now: t0) }
    }
}

@Suite struct ExplanationEncodingTests {
    /// The control socket sends explanations as JSON: rule names and due reasons must be
    /// the documented strings.
    @Test func encodesRuleAndReasonStrings() throws {
        var engine = ScoringEngine(policy: makePolicy(minDwell: 60), users: ["a"], now: t0)
        _ = engine.set("a", 600, at: t0)
        _ = engine.set("a", 100, at: t0 + 5)
        let explanation = try #require(engine.explain("a", now: t0 + 5))
        let json = String(decoding: try JSONEncoder().encode(explanation), as: UTF8.self)
        #expect(json.contains(#""rule":"dwell-hold""#))
        #expect(json.contains(#""reason":"dwell-end""#))
        let decoded = try JSONDecoder().decode(Explanation.self, from: Data(json.utf8))
        #expect(decoded == explanation)
        #expect(TierRule.allCases.map(\.rawValue) == [
            "threshold", "hysteresis-hold", "dwell-hold", "stale", "override", "exempt", "no-score", "added", "removed",
        ])
    }
}
