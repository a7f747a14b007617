/// The keys of each `[[tier]]`, read after `[network]`: no rate may be below its floor.
/// `download`/`upload` are optional each: an absent one leaves that direction unthrottled.
/// Rules across tiers are `TierListValidator`'s.
enum TierSectionKeys {
    /// One `[[tier]]` as written, before the list is checked as a whole.
    struct Draft {
        var name: String?
        var minScore: Double?
        /// Written, even if unusable: such a tier is not the catch-all.
        var hasMinScore = false
        var download: UInt64?
        var upload: UInt64?
    }

    static let table = ConfigKeyTable<Draft>("tier", arrayOfTables: true, [
        ConfigKey("name", required: true) { value, _, tier in
            tier.name = value.accepted(value.string(), if: ConfigNameRules.isValidTierName, else: {
                "\"\($0)\" is invalid (\(ConfigNameRules.tierNameRule))"
            })
        },
        ConfigKey("min_score") { value, _, tier in
            tier.hasMinScore = true
            tier.minScore = value.number()
        },
        ConfigKey("download") { value, context, tier in
            tier.download = ceiling(value, floor: context.floor)
        },
        ConfigKey("upload") { value, context, tier in
            tier.upload = ceiling(value, floor: context.floor)
        },
    ])

    /// A direction's ceiling: positive and at least the floor.
    private static func ceiling(_ value: TOMLValueReader, floor: UInt64) -> UInt64? {
        let rate = value.accepted(value.rate(), if: { $0 > 0 }, else: { _ in
            "must be greater than 0 (omit it to leave \(value.key) unthrottled)"
        })
        return value.accepted(rate, if: { $0 >= floor }, else: {
            "\(RateParser.format($0)) is below network.floor \(RateParser.format(floor))"
        })
    }
}
