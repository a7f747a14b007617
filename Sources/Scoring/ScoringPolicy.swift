/// The scoring rules from the `[scoring]`, `[feed]` and `[[tier]]` config sections.
///
/// Building one validates it; its `tiers` are the one `TierTable` of the configuration
/// (best first, rates at or above the floor), so every engine index computation can rely
/// on that order. Durations are seconds.
public struct ScoringPolicy: Sendable, Equatable {
    /// Score of a user with no data, and the value decay pulls every score toward.
    public private(set) var baseline: Double
    /// Deviations from `baseline` halve every `halfLife` seconds; 0 disables decay.
    public private(set) var halfLife: Double
    /// Points above a better tier's `minScore` needed to move up into it.
    public private(set) var hysteresis: Double
    /// Seconds after a tier change during which no score-driven change happens.
    public private(set) var minDwell: Double
    /// Seconds without an event after which a user falls back to `defaultTier`; nil = never.
    public private(set) var staleAfter: Double?
    public private(set) var defaultTier: String
    /// Users never throttled: they always get the best (first) tier unless overridden.
    public private(set) var exempt: Set<String>
    /// Best first: descending `minScore`, catch-all last.
    public private(set) var tiers: TierTable
    /// Seconds an event's timestamp may lie ahead of `now` (clocks of feed producers
    /// drift). Further ahead, the event is refused: applied, it would make every later,
    /// correctly stamped event for that user "out of order" and stamp the user's last
    /// event in the future, so one bad line would freeze the user until that date.
    public private(set) var maxFutureSkew: Double

    public static let defaultMaxFutureSkew = 300.0

    /// - Parameter floor: the lowest rate any tier is shaped to (`network.floor`); the
    ///   `TierTable` raises rates below it.
    public init(
        baseline: Double,
        halfLife: Double,
        hysteresis: Double,
        minDwell: Double,
        staleAfter: Double?,
        defaultTier: String,
        exempt: Set<String>,
        tiers: [Tier],
        floor: UInt64 = 0,
        maxFutureSkew: Double = ScoringPolicy.defaultMaxFutureSkew
    ) throws(ScoringPolicyError) {
        guard baseline.isFinite else { throw .invalidValue(field: "baseline", value: baseline) }
        guard halfLife.isFinite, halfLife >= 0 else { throw .invalidValue(field: "half_life", value: halfLife) }
        guard hysteresis.isFinite, hysteresis >= 0 else { throw .invalidValue(field: "hysteresis", value: hysteresis) }
        guard minDwell.isFinite, minDwell >= 0 else { throw .invalidValue(field: "min_dwell", value: minDwell) }
        if let staleAfter, !(staleAfter.isFinite && staleAfter > 0) {
            throw .invalidValue(field: "stale_after", value: staleAfter)
        }
        guard maxFutureSkew.isFinite, maxFutureSkew >= 0 else { throw .invalidValue(field: "max_future_skew", value: maxFutureSkew) }
        let table = try TierTable(tiers, floor: floor)
        guard table.index(named: defaultTier) != nil else { throw .unknownDefaultTier(defaultTier) }
        self.baseline = baseline
        self.halfLife = halfLife
        self.hysteresis = hysteresis
        self.minDwell = minDwell
        self.staleAfter = staleAfter
        self.defaultTier = defaultTier
        self.exempt = exempt
        self.tiers = table
        self.maxFutureSkew = maxFutureSkew
    }

    /// Whether an event stamped `timestamp` may be applied at `now`: untimed events and
    /// those at most `maxFutureSkew` ahead may. Pure, so the daemon can refuse an event
    /// before journaling it with exactly the rule the engine applies.
    public func acceptsTimestamp(_ timestamp: Double?, now: Double) -> Bool {
        guard let timestamp else { return true }
        return timestamp <= now + maxFutureSkew
    }
}
