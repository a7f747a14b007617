@testable import Scoring

/// The tier set of the example config: full (>= 800, unthrottled), reduced (>= 500), minimal (catch-all).
let exampleTiers = [
    Tier(name: "full", minScore: 800),
    Tier(name: "reduced", minScore: 500, download: 20_000_000, upload: 5_000_000),
    Tier(name: "minimal", download: 2_000_000, upload: 1_000_000),
]

/// The entry of `exampleTiers` called `name` (with no floor, the policy's table holds the same).
func tier(_ name: String) -> Tier {
    exampleTiers.first { $0.name == name }!
}

/// A fixed wall-clock origin so every test runs on the same, explicit clock.
let t0: Double = 1_795_000_000

func makePolicy(
    baseline: Double = 1000, halfLife: Double = 0, hysteresis: Double = 0, minDwell: Double = 0,
    staleAfter: Double? = nil, defaultTier: String = "full", exempt: Set<String> = [],
    tiers: [Tier] = exampleTiers
) -> ScoringPolicy {
    // The fixtures are valid by construction; a throw here is a test bug.
    try! ScoringPolicy(
        baseline: baseline, halfLife: halfLife, hysteresis: hysteresis, minDwell: minDwell,
        staleAfter: staleAfter, defaultTier: defaultTier, exempt: exempt, tiers: tiers)
}

extension ApplyOutcome {
    /// The tier change of an applied event, nil otherwise.
    var change: TierChange? {
        if case .applied(let change) = self { return change }
        return nil
    }
}

extension ScoringEngine {
    mutating func set(_ user: String, _ score: Double, at now: Double, ts: Double? = nil) -> ApplyOutcome {
        apply(ScoreEvent(user: user, change: .set(score), timestamp: ts), now: now)
    }
}
