import Control
import Foundation

/// The human form of `tierctl explain USER`: the daemon's explanation laid out the way an
/// operator reads it when a customer asks "why am I slow": where the user is and by which
/// rule, the score that put them there (raw and decayed), the ladder of thresholds with
/// the current tier marked, the override, and what happens next and when.
///
/// It reads the daemon's JSON (`--json` prints that unchanged) by key, so a daemon that adds
/// fields needs no tierctl change, and a missing field prints as `-` rather than failing.
/// Relative times ("in 2.1s") are measured from the explanation's own `at`, not from the
/// local clock, so the output is the same however late it is printed.
enum ExplainView {
    static func render(_ e: JSONValue) -> String {
        let at = date(e["at"])
        var pairs: [(String, String)] = [
            ("user", text(e["user"])),
            ("tier", text(e["tier"]) + (e["since"].flatMap(string).map { ", since " + $0 } ?? "")),
            ("rule", text(e["rule"])),
            ("why", text(e["summary"])),
            ("score", score(e)),
            ("override", override(e["override"], at: at)),
            ("dwell", dwell(e, at: at)),
            ("stale", stale(e, at: at)),
            ("next change", nextChange(e, at: at)),
        ]
        if case .array(let addresses)? = e["addresses"], !addresses.isEmpty {
            pairs.append(("addresses", addresses.map(text).joined(separator: " ")))
        }
        if let interface = e["interface"].flatMap(string) {
            pairs.append(("interface", interface))
        }
        return KeyValueListing.render(pairs) + "\n" + thresholds(e)
    }

    /// `812.5 now (raw 300 at T, decaying toward 1000, half-life 2s)`.
    private static func score(_ e: JSONValue) -> String {
        guard let decayed = e["score"].flatMap(number) else {
            return "none yet (until the first event: default_tier)"
        }
        var parts: [String] = []
        if let raw = e["raw_score"].flatMap(number) {
            parts.append("raw \(Formatting.number(raw))" + (e["raw_score_at"].flatMap(string).map { " at " + $0 } ?? ""))
        }
        let halfLife = e["half_life_seconds"].flatMap(number) ?? 0
        if halfLife > 0 {
            parts.append("decaying toward \(text(e["baseline"])), half-life \(duration(halfLife))")
        } else {
            parts.append("no decay")
        }
        return "\(Formatting.number(decayed)) now (\(parts.joined(separator: ", ")))"
    }

    /// `full until T (in 1h59m), reason "ticket 42"`, or `-`.
    private static func override(_ value: JSONValue?, at: Date?) -> String {
        guard let value, case .object = value else { return "-" }
        var result = text(value["tier"])
        if let until = value["until"].flatMap(string) {
            result += " until \(until)" + relative(until, from: at)
        } else {
            result += " until cleared"
        }
        if let reason = value["reason"].flatMap(string), !reason.isEmpty { result += ", reason \"\(reason)\"" }
        if let setAt = value["set_at"].flatMap(string) { result += ", set \(setAt)" }
        return result
    }

    /// When score-driven changes are allowed again after the last change. Dwell holds only
    /// users placed by their score: an override, exemption, staleness or a missing score
    /// is not held, and when one of those ends the user is placed afresh without dwell.
    private static func dwell(_ e: JSONValue, at: Date?) -> String {
        let minDwell = duration(e["min_dwell_seconds"].flatMap(number) ?? 0)
        let rule = e["rule"].flatMap(string) ?? ""
        if ["override", "exempt", "no-score", "stale"].contains(rule) {
            return "does not apply to rule \(rule) (min_dwell \(minDwell))"
        }
        guard let until = e["dwell_until"].flatMap(string) else { return "over (min_dwell \(minDwell))" }
        return "automatic changes held until \(until)\(relative(until, from: at)) (min_dwell \(minDwell))"
    }

    private static func stale(_ e: JSONValue, at: Date?) -> String {
        guard let after = e["stale_after_seconds"].flatMap(number) else { return "never (no stale_after)" }
        guard let staleAt = e["stale_at"].flatMap(string) else { return "no score yet (stale_after \(duration(after)))" }
        if e["rule"].flatMap(string) == "stale" { return "since \(staleAt) (stale_after \(duration(after)))" }
        return "at \(staleAt)\(relative(staleAt, from: at)) without a new event (stale_after \(duration(after)))"
    }

    /// `T (in 1.2s): the decaying score crosses a tier boundary`, or `none scheduled`.
    private static func nextChange(_ e: JSONValue, at: Date?) -> String {
        guard let next = e["next_change"], case .object = next, let when = next["at"].flatMap(string) else {
            return "none scheduled (only a feed event or an operator can change this tier)"
        }
        let reason = next["reason"].flatMap(string) ?? "-"
        return "\(when)\(relative(when, from: at)): \(describe(reason: reason, e))"
    }

    private static func describe(reason: String, _ e: JSONValue) -> String {
        switch reason {
        case "decay-crossing": "the decaying score crosses a tier boundary"
        case "dwell-end": "min_dwell ends and the tier the score warrants applies"
        case "stale": "no event for stale_after: back to the default tier (fail open)"
        case "override-expiry": "the override expires and the score decides again"
        case "pending": "a change is due now and is being applied"
        default: reason
        }
    }

    /// The ladder, best first, the current tier marked with `*`.
    private static func thresholds(_ e: JSONValue) -> String {
        guard case .array(let tiers)? = e["thresholds"], !tiers.isEmpty else { return "" }
        let hysteresis = e["hysteresis"].flatMap(number).map(Formatting.number) ?? "-"
        var table = TextTable(header: ["", "TIER", "MIN SCORE", "UP AT", "DOWNLOAD", "UPLOAD"])
        for tier in tiers {
            table.rows.append([
                tier["current"] == .bool(true) ? "*" : "", text(tier["tier"]),
                tier["min_score"].flatMap(number).map(Formatting.number) ?? "-",
                tier["up_threshold"].flatMap(number).map(Formatting.number) ?? "-",
                Formatting.rate(tier["download"].flatMap(rate)), Formatting.rate(tier["upload"].flatMap(rate)),
            ])
        }
        return "tiers (best first; down when the score is below MIN SCORE, up at MIN SCORE + hysteresis \(hysteresis)):\n"
            + table.render()
    }

    // MARK: Values

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s)?: s
        case .integer(let n)?: String(n)
        case .number(let x)?: Formatting.number(x)
        case .bool(let b)?: b ? "yes" : "no"
        default: "-"
        }
    }

    private static func string(_ value: JSONValue) -> String? {
        if case .string(let s) = value { return s }
        return nil
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let n): Double(n)
        case .number(let x): x
        default: nil
        }
    }

    private static func rate(_ value: JSONValue) -> UInt64? {
        if case .integer(let n) = value, n >= 0 { return UInt64(n) }
        return nil
    }

    private static func date(_ value: JSONValue?) -> Date? {
        value.flatMap(string).flatMap(RFC3339.parse)
    }

    /// ` (in 2.1s)` / ` (3s ago)` relative to the explanation's instant; empty if unknown.
    private static func relative(_ instant: String, from at: Date?) -> String {
        guard let at, let date = RFC3339.parse(instant) else { return "" }
        let seconds = date.timeIntervalSince(at)
        return seconds >= 0 ? " (in \(duration(seconds)))" : " (\(duration(-seconds)) ago)"
    }

    /// Seconds in the config's duration syntax, two units at most: `1.2s`, `90s` -> `1m30s`, `26h` -> `1d2h`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 {
            let tenths = (seconds * 10).rounded() / 10
            return Formatting.number(tenths) + "s"
        }
        let whole = Int(seconds.rounded())
        let units: [(size: Int, name: String)] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")]
        let first = units.firstIndex { whole >= $0.size } ?? units.count - 1
        var parts = ["\(whole / units[first].size)\(units[first].name)"]
        if first + 1 < units.count {
            let remainder = whole % units[first].size / units[first + 1].size
            if remainder > 0 { parts.append("\(remainder)\(units[first + 1].name)") }
        }
        return parts.joined()
    }
}
