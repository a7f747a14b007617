/// The keys of `[scoring]`, read after the tiers: `default_tier` must name one, and
/// defaults to the best (fail open: a stale user gets the most generous tier, not the
/// harshest).
enum ScoringSectionKeys {
    static let table = ConfigKeyTable<ScoringSection>("scoring", [
        ConfigKey("baseline") { value, _, section in
            if let baseline = value.number() { section.baseline = baseline }
        },
        ConfigKey("half_life") { value, _, section in
            if let halfLife = value.duration() { section.halfLife = halfLife }
        },
        ConfigKey("hysteresis") { value, _, section in
            let hysteresis = value.accepted(value.number(), if: { $0 >= 0 }, else: {
                "must not be negative, found \(ScoreText.format($0))"
            })
            if let hysteresis { section.hysteresis = hysteresis }
        },
        ConfigKey("min_dwell") { value, _, section in
            if let minDwell = value.duration() { section.minDwell = minDwell }
        },
        ConfigKey("default_tier") { value, context, section in
            guard let name = value.string() else { return }
            let tiers = context.tiers
            if tiers.contains(where: { $0.name == name }) {
                section.defaultTier = name
            } else if !tiers.isEmpty {
                let names = tiers.map(\.name).joined(separator: ", ")
                value.error("\"\(name)\" does not name a [[tier]] (tiers: \(names))")
            }
        },
        ConfigKey("exempt") { value, _, section in
            guard let exempt = value.stringArray() else { return }
            var seen: Set<String> = []
            for id in exempt {
                if !ConfigNameRules.isValidUserID(id) {
                    value.error("contains an invalid user id \"\(id)\" (\(ConfigNameRules.userIDRule))")
                } else if !seen.insert(id).inserted {
                    value.error("lists \"\(id)\" twice")
                }
            }
            section.exempt = exempt
        },
    ])
}
