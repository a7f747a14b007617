import Control
import Testing
@testable import tierctl

/// `tierctl explain USER` without `--json`: what an operator reads.
@Suite struct ExplainViewTests {
    /// The daemon's explanation of a user whose score 0 decays toward 1000 (half-life 2s).
    static let decaying = JSONValue.object([
        "user": .string("alice"), "at": .string("2026-11-27T08:00:00.350Z"), "tier": .string("minimal"),
        "rule": .string("threshold"), "summary": .string("alice is in minimal: score 113.7, below every threshold."),
        "raw_score": .integer(0), "raw_score_at": .string("2026-11-27T08:00:00.000Z"), "score": .number(113.686),
        "baseline": .integer(1000), "half_life_seconds": .integer(2), "hysteresis": .integer(25),
        "min_dwell_seconds": .integer(0), "stale_after_seconds": .null, "since": .string("2026-11-27T08:00:00.000Z"),
        "dwell_until": .null, "stale_at": .null, "exempt": .bool(false), "override": .null,
        "thresholds": .array([
            threshold("full", 800, 825, nil, nil, current: false),
            threshold("reduced", 500, 525, 20_000_000, 5_000_000, current: false),
            threshold("minimal", nil, nil, 2_000_000, 1_000_000, current: true),
        ]),
        "next_change": .object(["at": .string("2026-11-27T08:00:02.148Z"), "reason": .string("decay-crossing")]),
        "addresses": .array([.string("10.98.0.11"), .string("fd98::11")]),
    ])

    static func threshold(_ tier: String, _ min: Int64?, _ up: Int64?, _ down: Int64?, _ upload: Int64?, current: Bool) -> JSONValue {
        .object([
            "tier": .string(tier), "min_score": min.map(JSONValue.integer) ?? .null,
            "up_threshold": up.map(JSONValue.integer) ?? .null, "download": down.map(JSONValue.integer) ?? .null,
            "upload": upload.map(JSONValue.integer) ?? .null, "current": .bool(current),
        ])
    }

    @Test func theInterfaceFollowsTheAddresses() {
        guard case .object(var members) = Self.decaying else { return }
        members["interface"] = .string("eth2")
        #expect(ExplainView.render(.object(members)).contains("addresses:    10.98.0.11 fd98::11\ninterface:    eth2\n"))
        #expect(!ExplainView.render(Self.decaying).contains("interface:"), "a daemon that predates it")
    }

    @Test func decayingScoreReadsAsAnExplanation() {
        #expect(ExplainView.render(Self.decaying) == """
            user:         alice
            tier:         minimal, since 2026-11-27T08:00:00.000Z
            rule:         threshold
            why:          alice is in minimal: score 113.7, below every threshold.
            score:        113.69 now (raw 0 at 2026-11-27T08:00:00.000Z, decaying toward 1000, half-life 2s)
            override:     -
            dwell:        over (min_dwell 0s)
            stale:        never (no stale_after)
            next change:  2026-11-27T08:00:02.148Z (in 1.8s): the decaying score crosses a tier boundary
            addresses:    10.98.0.11 fd98::11

            tiers (best first; down when the score is below MIN SCORE, up at MIN SCORE + hysteresis 25):
               TIER     MIN SCORE  UP AT  DOWNLOAD  UPLOAD
               full     800        825    -         -
               reduced  500        525    20Mbit    5Mbit
            *  minimal  -          -      2Mbit     1Mbit

            """)
    }

    @Test func overrideDwellAndStalenessAreSpelledOut() throws {
        guard case .object(var members) = Self.decaying else { return }
        members["rule"] = .string("override")
        members["override"] = .object([
            "tier": .string("full"), "until": .string("2026-11-27T10:00:00.350Z"), "reason": .string("ticket 7"),
            "set_at": .string("2026-11-27T08:00:00.000Z"),
        ])
        members["next_change"] = .object(["at": .string("2026-11-27T10:00:00.350Z"), "reason": .string("override-expiry")])
        members["min_dwell_seconds"] = .integer(90)
        members["dwell_until"] = .string("2026-11-27T08:01:30.000Z")
        members["stale_after_seconds"] = .integer(900)
        members["stale_at"] = .string("2026-11-27T08:15:00.000Z")
        let text = ExplainView.render(.object(members))
        #expect(text.contains(#"override:     full until 2026-11-27T10:00:00.350Z (in 2h), reason "ticket 7", set 2026-11-27T08:00:00.000Z"#), "\(text)")
        #expect(text.contains("dwell:        does not apply to rule override (min_dwell 1m30s)"), "\(text)")
        members["rule"] = .string("dwell-hold")
        let held = ExplainView.render(.object(members))
        #expect(held.contains("dwell:        automatic changes held until 2026-11-27T08:01:30.000Z (in 1m30s) (min_dwell 1m30s)"), "\(held)")
        #expect(text.contains("stale:        at 2026-11-27T08:15:00.000Z (in 15m) without a new event (stale_after 15m)"), "\(text)")
        #expect(text.contains("next change:  2026-11-27T10:00:00.350Z (in 2h): the override expires and the score decides again"), "\(text)")
    }

    @Test func aUserWithoutScoreOrScheduleSaysSo() {
        let text = ExplainView.render(.object([
            "user": .string("dave"), "at": .string("2026-11-27T08:00:00Z"), "tier": .string("full"), "rule": .string("no-score"),
            "score": .null, "baseline": .integer(1000), "next_change": .null, "override": .null,
        ]))
        #expect(text.contains("score:        none yet (until the first event: default_tier)\n"), "\(text)")
        #expect(text.contains("next change:  none scheduled"), "\(text)")
        #expect(!text.contains("tiers ("), "no ladder without thresholds")
    }

    @Test(arguments: [(0.25, "0.3s"), (2, "2s"), (59.94, "59.9s"), (90, "1m30s"), (3600, "1h"), (5400, "1h30m"), (93_600, "1d2h"), (86_430, "1d")])
    func durations(_ seconds: Double, _ text: String) {
        #expect(ExplainView.duration(seconds) == text)
    }
}
