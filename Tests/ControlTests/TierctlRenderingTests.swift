import Control
import Foundation
import Testing
@testable import tierctl

/// The human-readable output.
@Suite struct TierctlRenderingTests {
    @Test(arguments: [
        (UInt64?.none, "-"), (UInt64(20_000_000), "20Mbit"), (UInt64(1_500_000_000), "1.5Gbit"),
        (UInt64(256_000), "256Kbit"), (UInt64(999), "999bit"), (UInt64(2_048_000), "2.05Mbit"),
    ])
    func rates(_ rate: UInt64?, _ text: String) {
        #expect(Formatting.rate(rate) == text)
    }

    @Test func numbers() {
        #expect(Formatting.number(640) == "640")
        #expect(Formatting.number(910.5) == "910.5")
        #expect(Formatting.number(-0.125) == "-0.13" || Formatting.number(-0.125) == "-0.12")
    }

    @Test func statusTableHasOneRowPerUserSortedAndAligned() {
        let text = StatusTable.render([Fixtures.bob, Fixtures.alice])
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("USER   TIER     SCORE  DOWNLOAD  UPLOAD  SINCE"))
        #expect(lines[1].hasPrefix("alice  reduced  640    20Mbit    5Mbit   2026-11-27T05:00:00Z  -"))
        #expect(lines[2].hasPrefix("bob    full     910.5  -         -       2026-11-27T05:00:00Z  full"))
        #expect(lines[2].hasSuffix("override"))
    }

    @Test func singleStatusListsEveryField() {
        let text = StatusTable.render(Fixtures.bob)
        #expect(text == """
            user:       bob
            tier:       full
            score:      910.5
            since:      2026-11-27T05:00:00Z
            download:   -
            upload:     -
            override:   full until 2026-11-27T07:00:00Z (ticket 42)
            addresses:  10.0.0.12/32
            rule:       override

            """)
    }

    @Test func theInterfaceShowsWhenUsersAreOnSeveral() {
        var alice = Fixtures.alice
        var bob = Fixtures.bob
        alice.interface = "eth1"
        bob.interface = "eth1"
        #expect(!StatusTable.render([alice, bob]).contains("INTERFACE"), "one interface: the table it always was")
        bob.interface = "eth2"
        let lines = StatusTable.render([bob, alice]).split(separator: "\n")
        #expect(lines[0].hasSuffix("RULE                    INTERFACE"))
        #expect(lines[1].hasSuffix("eth1") && lines[2].hasSuffix("eth2"))
        #expect(StatusTable.render(bob).contains("addresses:  10.0.0.12/32\ninterface:  eth2\nrule:       override\n"))
    }

    @Test func healthListsInterfacesWhenThereAreSeveral() {
        var report = Fixtures.degraded
        report.interfaces = [InterfaceHealth(name: "eth1", ifb: "ifb-eth1", users: 2, throttled: 1, kernelInSync: true)]
        #expect(!HealthListing.render(report).contains("interfaces:"), "one interface: the listing it always was")
        report.interfaces?.append(InterfaceHealth(name: "eth2", ifb: "ifb-eth2", users: 0, throttled: 0, kernelInSync: false))
        #expect(HealthListing.render(report).contains("""
            interfaces:
              eth1 (upload via ifb-eth1): 2 users, 1 throttled, in sync
              eth2 (upload via ifb-eth2): 0 users, 0 throttled, NOT in sync

            """))
    }

    @Test func explanationIsAnIndentedListing() {
        let explanation = JSONValue.object([
            "rule": .string("hysteresis"), "score": .integer(640), "stale": .bool(false), "override": .null,
            "thresholds": .array([.object(["tier": .string("full"), "min_score": .integer(800)]), .string("minimal")]),
        ])
        #expect(JSONListing.render(explanation) == """
            override: -
            rule: hysteresis
            score: 640
            stale: no
            thresholds:
              -
                min_score: 800
                tier: full
              - minimal

            """)
    }

    @Test func healthListing() {
        let text = HealthListing.render(Fixtures.degraded)
        #expect(text.contains("status:          degraded\n"))
        #expect(text.contains("kernel in sync:  no\n"))
        #expect(text.contains("last apply:      -\n"))
        #expect(text.contains("  - class 1:5 missing\n"))
        #expect(text.contains("feed:\n  socket:\n    accepted: 3\n"))
    }
}
