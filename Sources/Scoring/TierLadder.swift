/// The tier thresholds of a policy in best-first order, with the two lookups the rules need.
///
/// Kept as plain arrays of `Double` so the per-event lookups are a short linear scan
/// (configs have a handful of tiers) without touching the tier definitions' strings.
struct TierLadder: Sendable, Equatable {
    /// `minScore` per tier, best first; the catch-all (last) has `-infinity`.
    let minScores: [Double]
    let hysteresis: Double

    init(policy: ScoringPolicy) {
        minScores = policy.tiers.map { $0.minScore ?? -Double.infinity }
        hysteresis = policy.hysteresis
    }

    var catchAll: Int { minScores.count - 1 }

    /// Plain threshold mapping: the tier with the highest `minScore` not above `score`.
    @inline(__always)
    func tier(for score: Double) -> Int {
        var index = 0
        while index < catchAll, minScores[index] > score { index += 1 }
        return index
    }

    /// The best tier whose `minScore + hysteresis` is not above `score`: where a user
    /// may move *up* to.
    @inline(__always)
    func upTier(for score: Double) -> Int {
        var index = 0
        while index < catchAll, minScores[index] + hysteresis > score { index += 1 }
        return index
    }

    /// The score needed to move up into tier `index`, nil for the catch-all.
    func upThreshold(into index: Int) -> Double? {
        index < catchAll ? minScores[index] + hysteresis : nil
    }

    /// The score a user in tier `index` must reach to move up one tier, nil for the best tier.
    func upThreshold(above index: Int) -> Double? {
        index > 0 ? upThreshold(into: index - 1) : nil
    }

    /// The score below which a user in tier `index` moves down, nil for the catch-all.
    func downThreshold(of index: Int) -> Double? {
        index < catchAll ? minScores[index] : nil
    }
}
