import Control
import Testing
@testable import tierctl

/// `tierctl top`'s pure parts: rates from two samples, sorting, filtering, keys, and the
/// frame cut to the terminal.
struct TopViewTests {
    static func sample(at time: Double, users: [String], tiers: [String], down: [UInt64?], up: [UInt64?],
                       drops: [UInt64?]) -> CounterSample {
        CounterSample(takenAt: time, dumpSeconds: 0.01, users: users, tiers: tiers,
                      download: .init(bytes: down, packets: down, drops: drops),
                      upload: .init(bytes: up, packets: up, drops: up.map { $0.map { _ in 0 } }))
    }

    @Test func ratesAreByteDifferencesOverTheInterval() {
        let before = Self.sample(at: 10, users: ["alice", "bob", "carol"], tiers: ["reduced", "full", "minimal"],
                                 down: [1_000, nil, 9_000], up: [500, nil, 100], drops: [1, nil, 0])
        let after = Self.sample(at: 12, users: ["alice", "bob", "carol", "dave"], tiers: ["reduced", "full", "minimal", "minimal"],
                                down: [3_000, nil, 100, 50], up: [500, nil, 300, nil], drops: [4, nil, 0, 0])
        let rows = TopRates.rows(previous: before, current: after)
        #expect(rows == [
            TopRow(user: "alice", tier: "reduced", download: 8_000, upload: 0, drops: 3),
            TopRow(user: "bob", tier: "full", download: nil, upload: nil, drops: 0),
            // carol's class was created anew: its counter restarted, counted from zero.
            TopRow(user: "carol", tier: "minimal", download: 400, upload: 800, drops: 0),
            // dave is new: counted from zero.
            TopRow(user: "dave", tier: "minimal", download: 200, upload: nil, drops: 0),
        ])
    }

    @Test func theFirstOrARepeatedSampleShowsZeroRates() {
        let only = Self.sample(at: 10, users: ["alice"], tiers: ["reduced"], down: [1_000], up: [nil], drops: [2])
        let expected = [TopRow(user: "alice", tier: "reduced", download: 0, upload: nil, drops: 0)]
        #expect(TopRates.rows(previous: nil, current: only) == expected)
        #expect(TopRates.rows(previous: only, current: only) == expected)
    }

    static let rows = [
        TopRow(user: "bob", tier: "full", download: nil, upload: nil, drops: 0),
        TopRow(user: "alice", tier: "reduced", download: 8_000, upload: 100, drops: 3),
        TopRow(user: "carol", tier: "minimal", download: 20_000, upload: 50, drops: 0),
        TopRow(user: "dave", tier: "minimal", download: 8_000, upload: 900, drops: 7),
    ]

    @Test(arguments: [
        (TopView.Sort.download, ["carol", "alice", "dave", "bob"]),
        (.upload, ["dave", "alice", "carol", "bob"]),
        (.drops, ["dave", "alice", "bob", "carol"]),
        (.name, ["alice", "bob", "carol", "dave"]),
        (.tier, ["bob", "carol", "dave", "alice"]),
    ])
    func sortKeysOrderTheRows(sort: TopView.Sort, expected: [String]) {
        var view = TopView()
        #expect(view.handle(UInt8(ascii: sort.key.asciiValue.map { Unicode.Scalar($0) } ?? "d"), tiers: []) == .redraw)
        #expect(view.sort == sort)
        #expect(view.arrange(Self.rows).map(\.user) == expected)
    }

    @Test func filtersByTypedTextAndCycledTier() {
        var view = TopView()
        let tiers = ["full", "minimal", "reduced"]
        for key in "/AR".utf8 { _ = view.handle(key, tiers: tiers) }
        #expect(view.typing)
        #expect(view.arrange(Self.rows).map(\.user) == ["carol"])
        _ = view.handle(127, tiers: tiers)  // backspace: "A"
        _ = view.handle(13, tiers: tiers)   // Enter keeps the filter
        #expect(!view.typing)
        #expect(view.arrange(Self.rows).map(\.user) == ["carol", "alice", "dave"])
        _ = view.handle(UInt8(ascii: "f"), tiers: tiers)
        _ = view.handle(UInt8(ascii: "f"), tiers: tiers)
        #expect(view.tier == "minimal")
        #expect(view.arrange(Self.rows).map(\.user) == ["carol", "dave"])
        _ = view.handle(27, tiers: tiers)   // Esc clears both
        #expect(view.arrange(Self.rows).count == 4)
        _ = view.handle(UInt8(ascii: "f"), tiers: tiers)
        _ = view.handle(UInt8(ascii: "f"), tiers: tiers)
        _ = view.handle(UInt8(ascii: "f"), tiers: tiers)
        _ = view.handle(UInt8(ascii: "f"), tiers: tiers)
        #expect(view.tier == nil, "after the last tier, f shows every tier again")
        #expect(view.handle(UInt8(ascii: "q"), tiers: tiers) == .quit)
        #expect(view.handle(UInt8(ascii: "z"), tiers: tiers) == .none)
    }

    @Test func theFrameFitsTheTerminal() {
        let view = TopView()
        let frame = view.frame(Self.rows, width: 30, height: 5, status: "tierctl top  every 2s")
        #expect(frame.allSatisfy { $0.count <= 30 })
        #expect(frame == [
            "tierctl top  every 2s  4/4 use",
            "USER   TIER           DOWN    ",
            "carol  minimal      20Kbit    ",
            "alice  reduced       8Kbit    ",
            "d/u/x/n/t sort  / filter  f ti",
        ])
        #expect(view.frame(Self.rows, width: 200, height: 10, status: "s").count == 10)
        #expect(view.frame(Self.rows, width: 200, height: 10, status: "s")[2] == "carol  minimal      20Kbit       50bit        0")
    }
}
