import ConfigSyntax

/// `[[tier]]` blocks for the config, one per distinct plan among the imported users,
/// fastest first.
///
/// WHY only a proposal: LibreQoS gives each circuit its plan's rates all the time, while
/// tierd puts a user in a tier by score. The blocks carry the plans' rates so the ladder
/// is there to pick from; the `min_score` values only order it (spread evenly below 1000,
/// tierd's default baseline), and the slowest plan is the catch-all a tier list needs.
public struct TierProposal: Equatable, Sendable {
    public struct Tier: Equatable, Sendable {
        public let name: String
        /// Nil for the catch-all (the slowest plan).
        public let minScore: Int?
        public let plan: RatePlan
        public let userCount: Int
    }

    public let tiers: [Tier]

    /// The scale the evenly spread min_score values fill: tierd's default baseline.
    public static let scoreScale = 1000

    /// `names` gives plans the operator's tier names (from `--plans`); the others are
    /// named by their rates ("105mbit-18mbit"); a name taken twice or too long becomes
    /// "plan-N" (its rank), so every name is a valid, distinct tier name.
    public init(users: [ImportedUser], names: [RatePlan: String] = [:]) {
        var counts: [RatePlan: Int] = [:]
        for user in users { counts[user.plan, default: 0] += 1 }
        let plans = counts.keys.sorted(by: RatePlan.fasterFirst)
        var used: Set<String> = []
        tiers = plans.enumerated().map { index, plan in
            var name = names[plan] ?? "\(plan.download.configText)-\(plan.upload.configText)"
            if used.contains(name) || !NameSyntax.isValidTierName(name) { name = "plan-\(index + 1)" }
            used.insert(name)
            let rank = plans.count - 1 - index
            return Tier(
                name: name, minScore: rank == 0 ? nil : rank * max(Self.scoreScale, plans.count) / plans.count,
                plan: plan, userCount: counts[plan] ?? 0)
        }
    }

    /// The blocks as TOML, with a comment saying what to decide before using them.
    public func render(source: String) -> String {
        var text = """
            # Tiers proposed by `tierctl import libreqos` from \(UsersFileText.commentSafe(source)): one per
            # distinct plan (Download Max Mbps / Upload Max Mbps), fastest first. tierd puts a
            # user in a tier by score, not by plan: these min_score values only order the tiers
            # (spread evenly below 1000, the default baseline); set them, and [scoring]
            # default_tier, to your policy before adding these blocks to tierd.toml.

            """
        for tier in tiers {
            text += "\n[[tier]]\n"
            text += "name = \"\(tier.name)\"    # \(tier.plan); \(tier.userCount) circuit\(tier.userCount == 1 ? "" : "s")\n"
            if let minScore = tier.minScore {
                text += "min_score = \(minScore)\n"
            } else {
                text += "# no min_score: the catch-all (the slowest plan)\n"
            }
            text += "download = \"\(tier.plan.download.configText)\"\n"
            text += "upload = \"\(tier.plan.upload.configText)\"\n"
        }
        return text
    }

    /// Why a `--plans` name cannot be a tier name, or nil.
    public static func problem(withName name: String) -> String? {
        NameSyntax.isValidTierName(name) ? nil : "tier name \"\(name)\" is not \(NameSyntax.tierNameRule)"
    }
}
