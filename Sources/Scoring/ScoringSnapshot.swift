/// The whole engine state, for persistence across restarts (scores, timestamps, tiers,
/// since, overrides). Tiers are stored by name, so a snapshot survives a config
/// change that reorders or adds tiers.
public struct ScoringSnapshot: Sendable, Equatable, Codable {
    public struct User: Sendable, Equatable, Codable {
        public var id: String
        public var tier: String
        public var since: Double
        public var rawScore: Double?
        public var scoreAt: Double?
        public var override: TierOverride?
        /// How the tier was decided (internal to the engine; kept so hysteresis and dwell
        /// resume exactly as before the restart).
        var basis: TierBasis
    }

    public var version: Int
    /// The latest instant the engine had seen: the state is consistent as of then.
    public var takenAt: Double
    public var users: [User]
}
