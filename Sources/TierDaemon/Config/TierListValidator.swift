/// Reads every `[[tier]]` and checks the list as a whole.
///
/// Rules (each violation is an error at the offending line):
/// - `name` is required, valid and unique;
/// - exactly one tier omits `min_score`: the catch-all, which is the lowest tier;
/// - no two tiers share a `min_score` (their ranges would overlap);
/// - `download`/`upload` are optional each: an absent one leaves that direction
///   unthrottled; a present one must be positive and not below `network.floor`.
struct TierListValidator {
    let diagnostics: ConfigDiagnostics
    let floor: UInt64

    /// The tiers that could be read, best to worst (descending `min_score`, catch-all last).
    func validate(_ readers: [TOMLTableReader]) -> [TierSection] {
        var tiers: [TierSection] = []
        var firstLineByName: [String: Int] = [:]
        var catchAll: TierSection?
        var tierByScore: [Double: TierSection] = [:]

        var everyTier: [TierSection] = []
        for (index, reader) in readers.enumerated() {
            reader.rejectUnknownKeys(allowed: ["name", "min_score", "download", "upload"])
            var name = tierName(reader)
            let minScore = reader.number("min_score")
            let download = rate(reader, "download")
            let upload = rate(reader, "upload")
            if let known = name {
                if let first = firstLineByName[known] {
                    reader.error("name", "\"\(known)\" is used twice: tier names must be unique (first at line \(first))")
                    name = nil
                } else {
                    firstLineByName[known] = reader.line
                }
            }
            // A tier without a usable name still takes part in the list-wide checks,
            // so fixing its name cannot reveal new errors elsewhere.
            let label = name ?? "#\(index + 1)"
            let tier = TierSection(name: label, minScore: minScore, download: download, upload: upload, line: reader.line)
            everyTier.append(tier)

            if let minScore {
                if let other = tierByScore[minScore] {
                    reader.error("min_score", "\(ScoreText.format(minScore)) of tier \"\(label)\" is the same as tier \"\(other.name)\" (line \(other.line)): thresholds must differ")
                } else {
                    tierByScore[minScore] = tier
                }
            } else if !reader.has("min_score") {
                if let first = catchAll {
                    diagnostics.add(line: reader.line, "tier \"\(label)\" has no min_score, but tier \"\(first.name)\" (line \(first.line)) is already the catch-all: only the lowest tier may omit min_score")
                } else {
                    catchAll = tier
                }
            }
            if name != nil { tiers.append(tier) }
        }

        if catchAll == nil, let lowest = everyTier.min(by: { ($0.minScore ?? .infinity) < ($1.minScore ?? .infinity) }) {
            diagnostics.add(line: lowest.line, "no catch-all tier: the lowest [[tier]] must omit min_score so every score has a tier")
        }
        return tiers.sorted { ($0.minScore ?? -.infinity) > ($1.minScore ?? -.infinity) }
    }

    private func tierName(_ reader: TOMLTableReader) -> String? {
        guard reader.has("name") else {
            diagnostics.add(line: reader.line, "tier.name is required")
            return nil
        }
        guard let name = reader.string("name") else { return nil }
        guard ConfigNameRules.isValidTierName(name) else {
            reader.error("name", "\"\(name)\" is invalid (\(ConfigNameRules.tierNameRule))")
            return nil
        }
        return name
    }

    /// A direction's ceiling: positive and at least the floor.
    private func rate(_ reader: TOMLTableReader, _ key: String) -> UInt64? {
        guard let rate = reader.rate(key) else { return nil }
        if rate == 0 {
            reader.error(key, "must be greater than 0 (omit it to leave \(key) unthrottled)")
            return nil
        }
        if rate < floor {
            reader.error(key, "\(RateParser.format(rate)) is below network.floor \(RateParser.format(floor))")
            return nil
        }
        return rate
    }
}
