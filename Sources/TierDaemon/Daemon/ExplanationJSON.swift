import Control
import Scoring

/// Presents the scoring core's `Explanation` on the control socket: snake_case keys,
/// instants as RFC 3339, scores rounded to three decimals, rates in bit/s as the tier
/// table holds them (after the floor).
enum ExplanationJSON {
    static func render(_ e: Explanation, addresses: [String], interface: String) -> JSONValue {
        func time(_ t: Double?) -> JSONValue { t.map { .string(Timestamps.rfc3339($0)) } ?? .null }
        func number(_ x: Double?) -> JSONValue { x.map { .number(Timestamps.rounded($0)) } ?? .null }
        func rate(_ r: UInt64?) -> JSONValue { r.map { .integer(Int64($0)) } ?? .null }
        let thresholds: [JSONValue] = e.thresholds.map { t in
            .object([
                "tier": .string(t.tier.name), "min_score": number(t.tier.minScore), "up_threshold": number(t.upThreshold),
                "download": rate(t.tier.download), "upload": rate(t.tier.upload), "current": .bool(t.isCurrent),
            ])
        }
        var override: JSONValue = .null
        if let o = e.override {
            override = .object([
                "tier": .string(o.tier), "until": time(o.until), "reason": o.reason.map(JSONValue.string) ?? .null,
                "set_at": time(o.setAt),
            ])
        }
        var next: JSONValue = .null
        if let n = e.nextChange {
            next = .object(["at": time(n.at), "reason": .string(n.reason.rawValue)])
        }
        return .object([
            "user": .string(e.user),
            "at": time(e.at),
            "tier": .string(e.tier.name),
            "rule": .string(e.rule.rawValue),
            "summary": .string(e.summary),
            "raw_score": number(e.rawScore),
            "raw_score_at": time(e.scoreAt),
            "score": number(e.score),
            "baseline": number(e.baseline),
            "half_life_seconds": number(e.halfLife),
            "hysteresis": number(e.hysteresis),
            "min_dwell_seconds": number(e.minDwell),
            "stale_after_seconds": number(e.staleAfter),
            "since": time(e.since),
            "dwell_until": time(e.dwellUntil),
            "stale_at": time(e.staleAt),
            "exempt": .bool(e.exempt),
            "override": override,
            "thresholds": .array(thresholds),
            "next_change": next,
            "addresses": .array(addresses.map(JSONValue.string)),
            "interface": .string(interface),
        ])
    }
}
