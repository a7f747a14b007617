/// A `ReloadReport` as an operator reads it, shared by `tierctl plan`, `tierctl reload` and
/// `tierd --check --plan` so the three say the same thing the same way.
public enum ReloadReportText {
    /// `planned`: the report is a prediction ("would"), else what a reload did.
    public static func render(_ report: ReloadReport, planned: Bool) -> String {
        var lines: [String] = []
        if !report.restartRequired.isEmpty {
            lines.append("restart required for: \(report.restartRequired.joined(separator: ", "))")
            lines.append(planned ? "  a reload would be refused and change nothing; restart tierd to apply these"
                                 : "  the reload was refused")
        }
        let verb = planned ? "would move" : "moved"
        lines.append(report.moves.isEmpty ? "tiers: no user changes tier" : "tiers: \(report.moves.count) users \(verb)")
        for move in report.moves { lines.append("  " + describe(move)) }
        if let kernel = report.kernel {
            lines.append(kernel.total == 0 ? "kernel: nothing to change" : "kernel: " + summary(kernel))
            for operation in kernel.operations ?? [] { lines.append("  " + operation) }
            if let omitted = kernel.operationsOmitted, omitted > 0 { lines.append("  ... and \(omitted) more") }
        }
        if !report.warnings.isEmpty {
            lines.append("warnings:")
            for warning in report.warnings { lines.append("  " + warning) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `alice: full -> reduced (threshold, score 640)`; `dave: added -> full`.
    static func describe(_ move: TierMove) -> String {
        let from = move.from.isEmpty ? "(new user)" : move.from
        let to = move.to.isEmpty ? "(removed)" : move.to
        var why = move.rule
        if let score = move.score { why += ", score \(ScoreText.format(score))" }
        return "\(move.user): \(from) -> \(to) (\(why))"
    }

    /// `2 classes created, 1 changed; 2 qdiscs created; 4 map entries set, 1 deleted`: the
    /// non-zero counts only.
    static func summary(_ kernel: KernelChanges) -> String {
        func part(_ noun: String, _ counts: [(Int, String)]) -> String? {
            let shown = counts.filter { $0.0 > 0 }
            guard let first = shown.first else { return nil }
            return (["\(first.0) \(noun) \(first.1)"] + shown.dropFirst().map { "\($0.0) \($0.1)" }).joined(separator: ", ")
        }
        return [
            part("classes", [(kernel.classesCreated, "created"), (kernel.classesChanged, "changed"), (kernel.classesDeleted, "deleted")]),
            part("qdiscs", [(kernel.qdiscsCreated, "created"), (kernel.qdiscsDeleted, "deleted")]),
            part("filters", [(kernel.filtersCreated, "created"), (kernel.filtersDeleted, "deleted")]),
            part("map entries", [(kernel.entriesSet, "set"), (kernel.entriesDeleted, "deleted")]),
        ].compactMap { $0 }.joined(separator: "; ")
    }

    /// Scores print like the config writes them: `640`, `640.5`.
    enum ScoreText {
        static func format(_ score: Double) -> String {
            if score == score.rounded(), abs(score) < 1e15 { return String(Int64(score)) }
            return String((score * 100).rounded() / 100)
        }
    }
}
