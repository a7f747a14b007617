/// The configured tiers, validated once and ordered best first (descending `minScore`,
/// the catch-all last), with every rate already raised to the floor.
///
/// Built once per configuration and carried by the `ScoringPolicy`; the engine hands out
/// its entries (`ScoringEngine.tier(of:)`, `TierChange`, status, explain), so the daemon,
/// the enforcer and the control replies read names, thresholds and rates from here and
/// never recompute them. Positions (0 = best) are the tier indices the engine stores.
public struct TierTable: Sendable, Equatable, RandomAccessCollection {
    private let tiers: [Tier]
    /// The lowest rate any tier is shaped to (`network.floor`).
    public let floor: UInt64

    /// Validates `tiers` (unique names, finite and distinct thresholds, exactly one
    /// catch-all, at most 255 tiers: the engine stores an index in a byte) and orders them.
    /// - Parameter floor: rates below it are raised to it. Config validation already refuses
    ///   them; this keeps a future config path that forgot from shaping below the floor.
    public init(_ tiers: [Tier], floor: UInt64 = 0) throws(ScoringPolicyError) {
        guard !tiers.isEmpty else { throw .noTiers }
        guard tiers.count <= Int(UInt8.max) else { throw .tooManyTiers(tiers.count) }
        for tier in tiers {
            if let m = tier.minScore, !m.isFinite { throw .invalidValue(field: "min_score of \(tier.name)", value: m) }
        }
        if let violation = TierListViolation.find(in: tiers).first { throw violation.policyError(in: tiers) }
        let catchAll = tiers.filter { $0.minScore == nil }
        let ranked = tiers.filter { $0.minScore != nil }.sorted { $0.minScore! > $1.minScore! }
        self.tiers = (ranked + catchAll).map { $0.raised(to: floor) }
        self.floor = floor
    }

    public var startIndex: Int { tiers.startIndex }
    public var endIndex: Int { tiers.endIndex }
    public subscript(position: Int) -> Tier { tiers[position] }

    /// Position of the tier called `name` (0 = best), nil when there is none.
    public func index(named name: String) -> Int? {
        tiers.firstIndex { $0.name == name }
    }

    /// The tier called `name`, nil when there is none.
    public subscript(named name: String) -> Tier? {
        index(named: name).map { tiers[$0] }
    }
}
