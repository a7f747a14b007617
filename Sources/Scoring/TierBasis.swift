/// What kind of rule placed a user in their current tier.
///
/// Only score-based placements are subject to hysteresis and dwell: a user coming back
/// from an override, staleness or "no score" has no score-based tier to hold on to, so
/// they are placed by plain thresholds immediately.
enum TierBasis: UInt8, Sendable, Codable {
    case score
    case override
    case exempt
    case stale
    case noScore
    /// Placement lost (the tier vanished in a policy reload): place afresh.
    case unplaced
}
