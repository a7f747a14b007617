/// Why a `ScoringPolicy` cannot be built. Config loading reports these with file:line;
/// the engine itself can then never hold an inconsistent policy.
public enum ScoringPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    case noTiers
    case tooManyTiers(Int)
    case duplicateTierName(String)
    case missingCatchAll
    case multipleCatchAll([String])
    case overlappingThresholds(String, String)
    case unknownDefaultTier(String)
    case invalidValue(field: String, value: Double)

    public var description: String {
        switch self {
        case .noTiers: "no tiers defined"
        case .tooManyTiers(let n): "too many tiers (\(n)); at most 255"
        case .duplicateTierName(let n): "duplicate tier name \"\(n)\""
        case .missingCatchAll: "no catch-all tier (a tier without min_score)"
        case .multipleCatchAll(let names): "more than one catch-all tier: \(names.joined(separator: ", "))"
        case .overlappingThresholds(let a, let b): "tiers \"\(a)\" and \"\(b)\" have the same min_score"
        case .unknownDefaultTier(let n): "default_tier \"\(n)\" is not a defined tier"
        case .invalidValue(let field, let value): "\(field) has invalid value \(value)"
        }
    }
}
