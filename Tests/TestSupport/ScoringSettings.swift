/// The `[scoring]` timing of a daemon under test. `exact` (no decay, hysteresis or dwell)
/// keeps scores exact sums; the scoring tests shorten these to seconds.
public struct ScoringSettings: Sendable {
    public var halfLife: String
    public var hysteresis: Int
    public var minDwell: String
    public var staleAfter: String

    public init(halfLife: String = "0s", hysteresis: Int = 0, minDwell: String = "0s", staleAfter: String = "15m") {
        self.halfLife = halfLife
        self.hysteresis = hysteresis
        self.minDwell = minDwell
        self.staleAfter = staleAfter
    }

    public static let exact = ScoringSettings()
}
