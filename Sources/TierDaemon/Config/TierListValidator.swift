import Scoring

/// Checks the `[[tier]]` list as a whole with the scoring core's rules
/// (`TierListViolation`: unique names, one catch-all, distinct `min_score`s) and reports
/// each violation at the line of the tier at fault. Each tier's own keys are
/// `TierSectionKeys`'.
struct TierListValidator {
    let diagnostics: ConfigDiagnostics
    let index: TOMLSourceIndex

    /// One `[[tier]]` as read, and where it is written (["tier", "[position]"]).
    typealias WrittenTier = (draft: TierSectionKeys.Draft, path: TOMLSourceIndex.Path)

    /// The tiers that could be read, best to worst (descending `min_score`, catch-all last).
    func validate(_ written: [WrittenTier]) -> [TierSection] {
        func line(_ position: Int, _ key: String? = nil) -> Int {
            index.nearestLine(of: written[position].path + (key.map { [$0] } ?? []))
        }
        // A tier without a usable name still takes part, labelled by its position, so
        // fixing its name cannot reveal new errors elsewhere.
        var labels = written.enumerated().map { position, tier in tier.draft.name ?? "#\(position + 1)" }
        let definitions = written.indices.map { Tier(name: labels[$0], minScore: written[$0].draft.minScore) }
        for case .duplicateName(let position, let first) in TierListViolation.find(in: definitions) {
            diagnostics.add(line: line(position, "name"), "tier.name \"\(labels[position])\" is used twice: tier names must be unique (first at line \(line(first)))")
            labels[position] = "#\(position + 1)"
        }
        // A tier whose min_score is written but unusable (already reported) is neither
        // ranked nor the catch-all.
        let ranked = written.indices.filter { written[$0].draft.minScore != nil || !written[$0].draft.hasMinScore }
        for violation in TierListViolation.find(in: ranked.map { definitions[$0] }) {
            switch violation {
            case .duplicateName:
                continue  // reported above, over every tier
            case .missingCatchAll:
                let lowest = written.indices.min { (written[$0].draft.minScore ?? .infinity) < (written[$1].draft.minScore ?? .infinity) }
                if let lowest {
                    diagnostics.add(line: line(lowest), "no catch-all tier: the lowest [[tier]] must omit min_score so every score has a tier")
                }
            case .extraCatchAll(let at, let first):
                let (position, first) = (ranked[at], ranked[first])
                diagnostics.add(line: line(position), "tier \"\(labels[position])\" has no min_score, but tier \"\(labels[first])\" (line \(line(first))) is already the catch-all: only the lowest tier may omit min_score")
            case .sameMinScore(let at, let first):
                let (position, first) = (ranked[at], ranked[first])
                guard let minScore = definitions[position].minScore.map(ScoreText.format) else { continue }
                diagnostics.add(line: line(position, "min_score"), "tier.min_score \(minScore) of tier \"\(labels[position])\" is the same as tier \"\(labels[first])\" (line \(line(first))): thresholds must differ")
            }
        }
        // Configured: the tiers whose own name stands (usable, and not a repeat).
        let tiers = written.indices.filter { labels[$0] == written[$0].draft.name }.map { position in
            let draft = written[position].draft
            return TierSection(name: labels[position], minScore: draft.minScore, download: draft.download, upload: draft.upload, line: line(position))
        }
        return tiers.sorted { ($0.minScore ?? -.infinity) > ($1.minScore ?? -.infinity) }
    }
}
