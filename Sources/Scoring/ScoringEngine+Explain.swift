extension ScoringEngine {
    /// The user's placement at `now`; nil for an unknown user. Read-only: the rule is
    /// evaluated at `now` without applying pending changes.
    public func status(of user: String, now: Double) -> UserScoreStatus? {
        guard let found = slot(of: user).map(Int32.init) else { return nil }
        let slot = Int(found)
        let record = records[slot]
        return UserScoreStatus(
            user: user, tier: policy.tiers[Int(record.tier)],
            score: rules.score(of: record, at: now),
            rawScore: record.hasScore ? record.raw : nil,
            scoreAt: record.hasScore ? record.scoreAt : nil,
            since: record.since, rule: currentRule(slot, at: now),
            override: overrides[found], exempt: record.flags.contains(.exempt),
            stale: rules.isStale(record, at: now))
    }

    /// Everything that decided the user's tier, at `now`; nil for an unknown user.
    public func explain(_ user: String, now: Double) -> Explanation? {
        guard let found = slot(of: user).map(Int32.init) else { return nil }
        let slot = Int(found)
        let record = records[slot]
        let tier = policy.tiers[Int(record.tier)]
        let rule = currentRule(slot, at: now)
        let score = rules.score(of: record, at: now)
        let thresholds = policy.tiers.enumerated().map { position, entry in
            Explanation.Threshold(
                tier: entry, upThreshold: rules.ladder.upThreshold(into: position), isCurrent: position == Int(record.tier))
        }
        let dwellEnd = record.since + policy.minDwell
        let override = activeOverride(slot)
        let next = rules.nextDue(record, override: override, at: now).map {
            Explanation.NextChange(at: $0.at, reason: $0.reason)
        }
        let staleAt = policy.staleAfter.flatMap { record.hasScore ? record.scoreAt + $0 : nil }
        return Explanation(
            user: user, at: now, tier: tier, rule: rule,
            rawScore: record.hasScore ? record.raw : nil,
            scoreAt: record.hasScore ? record.scoreAt : nil,
            score: score, baseline: policy.baseline, halfLife: policy.halfLife,
            hysteresis: policy.hysteresis, minDwell: policy.minDwell, staleAfter: policy.staleAfter,
            since: record.since, dwellUntil: now < dwellEnd ? dwellEnd : nil, staleAt: staleAt,
            exempt: record.flags.contains(.exempt), override: overrides[found],
            thresholds: thresholds, nextChange: next,
            summary: summary(user: user, tier: tier.name, rule: rule, score: score, record: record, slot: slot, now: now))
    }

    /// The rule as of `now`, re-derived (not stored) so it reflects decay since the last change.
    func currentRule(_ slot: Int, at time: Double) -> TierRule {
        rules.decide(records[slot], override: activeOverride(slot), at: time).rule
    }

    /// One sentence for a person. Instants are given relative to `now` ("in 90s"): the
    /// structured fields carry the absolute instants, and this target formats no dates.
    private func summary(user: String, tier: String, rule: TierRule, score: Double?, record: UserSlot, slot: Int, now: Double) -> String {
        let scoreText = score.map { "score \(Self.points($0))" } ?? "no score"
        let current = Int(record.tier)
        switch rule {
        case .override:
            let stored = overrides[Int32(slot)]
            let until = stored?.until.map { " for another \(Self.seconds($0 - now))" } ?? " until cleared"
            return "\(user) is in \(tier) by operator override\(until)\(stored?.reason.map { " (\($0))" } ?? "")."
        case .exempt:
            return "\(user) is exempt: always in the best tier, \(tier)."
        case .noScore:
            return "\(user) has no score yet: default tier \(tier)."
        case .stale:
            return "\(user) sent no event for stale_after: back to default tier \(tier) (fail open); \(scoreText)."
        case .threshold:
            let floor = rules.ladder.downThreshold(of: current).map { "at least \(Self.points($0))" } ?? "below every threshold"
            return "\(user) is in \(tier): \(scoreText), \(floor)."
        case .hysteresisHold:
            let up = rules.ladder.upThreshold(above: current).map { Self.points($0) } ?? "-"
            return "\(user) stays in \(tier): \(scoreText) qualifies for a better tier but not by the hysteresis margin (needs \(up))."
        case .dwellHold:
            return "\(user) stays in \(tier): \(scoreText) warrants a change, held until min_dwell ends in \(Self.seconds(record.since + policy.minDwell - now))."
        case .added, .removed:
            return "\(user) is in \(tier)."
        }
    }

    /// `640`, `812.46`: a score to two decimals, without a useless `.0`.
    static func points(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? "\(Int64(rounded))" : "\(rounded)"
    }

    /// A span the way the config writes durations, to a tenth of a second below a minute and
    /// in at most two adjacent units above: `1.5s`, `55s`, `1m30s`, `2h`, `1d2h`.
    static func seconds(_ span: Double) -> String {
        let span = max(span, 0)
        if span < 59.95 {
            let tenths = (span * 10).rounded() / 10
            return tenths == tenths.rounded() ? "\(Int(tenths))s" : "\(tenths)s"
        }
        let whole = Int(span.rounded())
        let units: [(size: Int, name: String)] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")]
        let first = units.firstIndex { whole >= $0.size } ?? units.count - 1
        var text = "\(whole / units[first].size)\(units[first].name)"
        if first + 1 < units.count {
            let remainder = whole % units[first].size / units[first + 1].size
            if remainder > 0 { text += "\(remainder)\(units[first + 1].name)" }
        }
        return text
    }
}
