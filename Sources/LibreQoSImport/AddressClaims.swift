import IPAddressing

/// The addresses and prefixes of the rows kept so far, and which circuit holds each, so a
/// later row that repeats or overlaps another circuit's can be left out.
///
/// WHY checked row by row (not all pairs at the end): a row is kept exactly when it clashes
/// with no kept row before it, so leaving a row out never leaves a later clash unseen, and
/// the users file written always loads. Containment is found by dictionary lookups: a key
/// truncated to each shorter length in use finds the prefixes enclosing it, and every kept
/// key is also filed under its truncations, which finds the kept prefixes inside a new one.
struct AddressClaims {
    struct Claim {
        let circuit: String
        let line: Int
        let text: String
    }

    /// Every prefix length any row uses, per family (IPv6: true), shortest first.
    private let lengths: [Bool: [Int]]
    private var exact: [PrefixKey: Claim] = [:]
    /// Kept keys filed under their truncations: the first claim, and one of another
    /// circuit if there is one (then every circuit has a clash inside that prefix).
    private var inside: [PrefixKey: (first: Claim, other: Claim?)] = [:]

    init(lengthsIn rows: [DeviceRow]) {
        var lengths: [Bool: Set<Int>] = [:]
        for row in rows {
            for address in row.addresses { lengths[address.key.isIPv6, default: []].insert(address.key.length) }
        }
        self.lengths = lengths.mapValues { $0.sorted() }
    }

    /// Why `address` cannot go to `circuit`, or nil when it can.
    func clash(_ address: DeviceRow.Address, circuit: String) -> SkipReason? {
        let key = address.key
        let text = address.prefix.description
        if let claim = exact[key], claim.circuit != circuit {
            return .duplicateAddress(text, circuit: claim.circuit, otherLine: claim.line)
        }
        for length in shorterLengths(than: key) {
            if let claim = exact[key.truncated(to: length)], claim.circuit != circuit {
                return .overlappingPrefix(text, other: claim.text, circuit: claim.circuit, otherLine: claim.line)
            }
        }
        if let held = inside[key] {
            let claim = held.first.circuit != circuit ? held.first : held.other
            if let claim {
                return .overlappingPrefix(text, other: claim.text, circuit: claim.circuit, otherLine: claim.line)
            }
        }
        return nil
    }

    mutating func claim(_ address: DeviceRow.Address, circuit: String, line: Int) {
        let key = address.key
        let claim = Claim(circuit: circuit, line: line, text: address.prefix.description)
        if exact[key] == nil { exact[key] = claim }
        for length in shorterLengths(than: key) {
            let outer = key.truncated(to: length)
            if let held = inside[outer] {
                if held.other == nil, held.first.circuit != circuit { inside[outer] = (held.first, claim) }
            } else {
                inside[outer] = (claim, nil)
            }
        }
    }

    private func shorterLengths(than key: PrefixKey) -> ArraySlice<Int> {
        let all = lengths[key.isIPv6, default: []]
        return all.prefix { $0 < key.length }
    }
}
