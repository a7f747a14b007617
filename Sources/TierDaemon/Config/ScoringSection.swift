/// `[scoring]`: the parameters of the pure scoring core (mapped by the integrator).
public struct ScoringSection: Sendable, Equatable {
    /// Score of a user with no data, and the target of decay.
    public var baseline: Double
    /// Seconds for a deviation from baseline to halve; 0 = no decay.
    public var halfLife: Double
    /// Points past a boundary needed to move to a better tier.
    public var hysteresis: Double
    /// Minimum seconds in a tier before the next automatic change.
    public var minDwell: Double
    /// Tier for stale users (fail open). Defaults to the best tier.
    public var defaultTier: String
    /// User ids that are never throttled.
    public var exempt: [String]

    public static let defaultBaseline = 1000.0
    public static let defaultHalfLife = 86400.0
    public static let defaultHysteresis = 25.0
    public static let defaultMinDwell = 60.0

    public init(
        baseline: Double = ScoringSection.defaultBaseline,
        halfLife: Double = ScoringSection.defaultHalfLife,
        hysteresis: Double = ScoringSection.defaultHysteresis,
        minDwell: Double = ScoringSection.defaultMinDwell,
        defaultTier: String,
        exempt: [String] = []
    ) {
        self.baseline = baseline
        self.halfLife = halfLife
        self.hysteresis = hysteresis
        self.minDwell = minDwell
        self.defaultTier = defaultTier
        self.exempt = exempt
    }
}
