/// The tier rules of one policy as pure functions of a user's record and an instant.
///
/// `decide` says where a user belongs at an instant; `nextDue` says, analytically, the
/// earliest later instant at which that answer can change without a new event. The engine
/// evaluates a user exactly at its due instant, so both must agree: at the instant
/// `nextDue` returns, `decide` sees the change.
struct TierRules: Sendable {
    let ladder: TierLadder
    let curve: DecayCurve
    let minDwell: Double
    let staleAfter: Double?
    let defaultTier: Int

    init(policy: ScoringPolicy) {
        ladder = TierLadder(policy: policy)
        curve = DecayCurve(baseline: policy.baseline, halfLife: policy.halfLife)
        minDwell = policy.minDwell
        staleAfter = policy.staleAfter
        defaultTier = policy.tiers.index(named: policy.defaultTier) ?? ladder.catchAll
    }

    /// An override resolved to a tier index.
    struct ActiveOverride {
        var tier: Int
        var until: Double?
        func isActive(at time: Double) -> Bool { until.map { time < $0 } ?? true }
    }

    /// The decayed score at `time`, nil without a score.
    @inline(__always)
    func score(of record: UserSlot, at time: Double) -> Double? {
        record.hasScore ? curve.value(raw: record.raw, setAt: record.scoreAt, at: time) : nil
    }

    /// Whether the record's last event is older than `stale_after` at `time`.
    @inline(__always)
    func isStale(_ record: UserSlot, at time: Double) -> Bool {
        guard let staleAfter, record.hasScore else { return false }
        return time >= record.scoreAt + staleAfter
    }

    /// Precedence: override, exempt, no score, stale, then the score rules
    /// (threshold down at once; up only past threshold + hysteresis; dwell holds both).
    func decide(_ record: UserSlot, override: ActiveOverride?, at time: Double) -> TierDecision {
        if let override, override.isActive(at: time) {
            return TierDecision(tier: override.tier, rule: .override, basis: .override)
        }
        if record.flags.contains(.exempt) { return TierDecision(tier: 0, rule: .exempt, basis: .exempt) }
        guard record.hasScore else { return TierDecision(tier: defaultTier, rule: .noScore, basis: .noScore) }
        if isStale(record, at: time) { return TierDecision(tier: defaultTier, rule: .stale, basis: .stale) }
        let score = curve.value(raw: record.raw, setAt: record.scoreAt, at: time)
        let plain = ladder.tier(for: score)
        guard record.basis == .score else { return TierDecision(tier: plain, rule: .threshold, basis: .score) }
        let current = Int(record.tier)
        var target = current
        if plain > current {
            target = plain
        } else {
            let up = ladder.upTier(for: score)
            if up < current { target = up }
        }
        if target == current {
            return TierDecision(tier: current, rule: plain < current ? .hysteresisHold : .threshold, basis: .score)
        }
        if time < record.since + minDwell {
            return TierDecision(tier: current, rule: .dwellHold, basis: .score)
        }
        return TierDecision(tier: target, rule: .threshold, basis: .score)
    }

    /// The earliest instant `>= time` at which `decide` would change the record's tier or
    /// basis, assuming no new event; nil if never. Solved analytically: no scanning.
    /// - Parameter settled: the decision just applied to `record` at `time`, if the caller has
    ///   it (saves re-deciding; its rule can only differ from a re-decision between
    ///   threshold and hysteresis-hold, which does not affect the result).
    func nextDue(_ record: UserSlot, override: ActiveOverride?, at time: Double, settled: TierDecision? = nil) -> DueInstant? {
        let now = settled ?? decide(record, override: override, at: time)
        if now.tier != Int(record.tier) || now.basis != record.basis {
            return DueInstant(at: time, reason: .pending)
        }
        switch now.basis {
        case .override:
            return override?.until.map { DueInstant(at: $0, reason: .overrideExpiry) }
        case .exempt, .noScore, .stale, .unplaced:
            return nil
        case .score:
            break
        }
        let staleDue = staleAfter.map { DueInstant(at: record.scoreAt + $0, reason: .stale) }
        let scoreDue = scoreDrivenDue(record, decision: now, at: time)
        switch (staleDue, scoreDue) {
        case let (s?, c?): return c.at < s.at ? c : s
        case let (s, c): return s ?? c
        }
    }

    private func scoreDrivenDue(_ record: UserSlot, decision: TierDecision, at time: Double) -> DueInstant? {
        let dwellEnd = record.since + minDwell
        if decision.rule == .dwellHold { return DueInstant(at: dwellEnd, reason: .dwellEnd) }
        let current = Int(record.tier)
        var crossing: Double?
        if let down = ladder.downThreshold(of: current) {
            crossing = curve.firstInstant(below: down, raw: record.raw, setAt: record.scoreAt, from: time)
        }
        if crossing == nil, let up = ladder.upThreshold(above: current) {
            crossing = curve.firstInstant(atOrAbove: up, raw: record.raw, setAt: record.scoreAt, from: time)
        }
        guard let crossing else { return nil }
        return crossing >= dwellEnd
            ? DueInstant(at: crossing, reason: .decayCrossing)
            : DueInstant(at: dwellEnd, reason: .dwellEnd)
    }
}
