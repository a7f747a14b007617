import ConfigSyntax

/// A ShapedDevices.csv row the import left out, and why, so the operator can fix it there.
public struct SkippedRow: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line in the file (the header is line 1 when nothing precedes it); a
    /// spreadsheet shows the same number as its row, since quoted fields cannot span lines.
    public let line: Int
    public let reason: SkipReason

    public init(line: Int, reason: SkipReason) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Why a row was left out. Each row is judged on its own first (fields, circuit, addresses,
/// rates); then rows that clash with earlier rows (their rates within a circuit, their
/// addresses across circuits) are left out, the earlier row kept.
public enum SkipReason: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(String)
    case tooFewFields(found: Int, needed: Int)
    case missingCircuitID
    case invalidCircuitID(String)
    case noAddresses
    case badAddress(String, column: String)
    case wrongFamily(String, column: String)
    case coversEverything(String)
    case badRate(String, column: String)
    case conflictingRates(RatePlan, circuit: String, otherLine: Int, otherPlan: RatePlan)
    case duplicateAddress(String, circuit: String, otherLine: Int)
    case overlappingPrefix(String, other: String, circuit: String, otherLine: Int)

    public var description: String {
        switch self {
        case .unreadable(let why):
            return why
        case .tooFewFields(let found, let needed):
            return "\(found) fields, the header's columns need \(needed)"
        case .missingCircuitID:
            return "no Circuit ID"
        case .invalidCircuitID(let id):
            return "Circuit ID \"\(id)\" cannot be a tierd user id (\(NameSyntax.userIDRule))"
        case .noAddresses:
            return "no IPv4 or IPv6 address"
        case .badAddress(let text, let column):
            return "\(column) \"\(text)\" is not an address or prefix (a prefix's host bits must be zero)"
        case .wrongFamily(let text, let column):
            return "\(column) \"\(text)\" is in the wrong column"
        case .coversEverything(let text):
            return "\(text) covers every address; list the circuit's own addresses or prefixes"
        case .badRate(let text, let column):
            return "\(column) \"\(text)\" is not a rate in Mbps above 0 (digits, optionally a fraction: 2.5)"
        case .conflictingRates(let plan, let circuit, let otherLine, let otherPlan):
            return "rates \(plan) differ from \(otherPlan) on line \(otherLine) for circuit \"\(circuit)\" (a circuit has one plan)"
        case .duplicateAddress(let text, let circuit, let otherLine):
            return "\(text) is already listed for circuit \"\(circuit)\" on line \(otherLine)"
        case .overlappingPrefix(let text, let other, let circuit, let otherLine):
            return "\(text) overlaps \(other) of circuit \"\(circuit)\" on line \(otherLine)"
        }
    }
}
