import Scoring
import TrafficControl

/// Turns validated configuration into the scoring policy (whose `TierTable` is the one
/// place tiers, thresholds and floored rates are decided), and a user in a tier into the
/// shaping the kernel gets. Kept apart from the daemon so that the same mapping serves
/// start-up, reload and the benchmark.
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
                tiers: configuration.tiers.map { Tier(name: $0.name, minScore: $0.minScore, download: $0.download, upload: $0.upload) },
                floor: configuration.network.floor,
                maxFutureSkew: configuration.feed.maxFutureSkew)
        } catch {
            throw ConfigErrors([ConfigError(file: configuration.sourcePath, line: 0, message: "\(error)")])
        }
    }

    /// The shaping of `user` in `tier` (an entry of the policy's table, rates already
    /// floored); nil when the tier throttles nothing: such users need nothing in the kernel.
    public static func shaping(of user: UserRecord, in tier: Tier) -> ShapedUser? {
        guard tier.throttles else { return nil }
        return ShapedUser(id: user.id, addresses: user.addresses, download: tier.download, upload: tier.upload)
    }
}
