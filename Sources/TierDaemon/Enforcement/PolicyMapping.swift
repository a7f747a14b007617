import Scoring
import TrafficControl

/// Turns validated configuration into the scoring policy and the shaping wanted for each user.
/// Kept apart from the daemon so that the same mapping serves start-up, reload and the
/// benchmark, and so the floor is applied in exactly one place.
public enum PolicyMapping {
    /// Config validation already enforces what the policy checks, so a failure here means
    /// the two disagree; it is reported as a config error on the file as a whole.
    public static func scoringPolicy(_ configuration: DaemonConfiguration) throws(ConfigErrors) -> ScoringPolicy {
        do {
            return try ScoringPolicy(
            baseline: configuration.scoring.baseline,
            halfLife: configuration.scoring.halfLife,
            hysteresis: configuration.scoring.hysteresis,
            minDwell: configuration.scoring.minDwell,
            staleAfter: configuration.feed.staleAfter,
            defaultTier: configuration.scoring.defaultTier,
            exempt: Set(configuration.scoring.exempt),
            tiers: configuration.tiers.map {
                    TierDefinition(name: $0.name, minScore: $0.minScore, download: $0.download, upload: $0.upload)
                },
            maxFutureSkew: configuration.feed.maxFutureSkew)
        } catch {
            throw ConfigErrors([ConfigError(file: configuration.sourcePath, line: 0, message: "\(error)")])
        }
    }

    /// Rate actually programmed for a tier rate: never below the floor, even if a future
    /// config path forgot to validate it (fail open: a faster rate, never a slower one).
    public static func enforcedRate(_ rate: UInt64?, floor: UInt64) -> UInt64? {
        rate.map { max($0, floor) }
    }

    /// The shaping for every user whose tier throttles at least one direction; users in an
    /// unthrottled tier need nothing in the kernel.
    public static func shapedUsers(
        users: [UserRecord], tierOf: (String) -> String?, tiers: [String: TierSection], floor: UInt64
    ) -> [ShapedUser] {
        var result: [ShapedUser] = []
        result.reserveCapacity(users.count)
        for user in users {
            guard let name = tierOf(user.id), let tier = tiers[name] else { continue }
            let download = enforcedRate(tier.download, floor: floor)
            let upload = enforcedRate(tier.upload, floor: floor)
            if download == nil && upload == nil { continue }
            result.append(ShapedUser(id: user.id, addresses: user.addresses, download: download, upload: upload))
        }
        return result
    }
}
