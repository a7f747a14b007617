import Testing
@testable import TierDaemon

/// The scanner that gives semantic errors their line numbers.
@Suite struct ConfigKeyLocatorTests {
    @Test func tablesKeysAndArrayElementsGetTheirLines() {
        let locator = TOMLKeyLocator(text: """
            top = 1
            [daemon]
              state_dir = "/x"   # comment with key = "value"
            [[tier]]
            name = "a"
            [[tier]]
            name = "b"
            download = "1mbit"
            """)
        #expect(locator.line(of: ["top"]) == 1)
        #expect(locator.line(of: ["daemon"]) == 2)
        #expect(locator.line(of: ["daemon", "state_dir"]) == 3)
        #expect(locator.line(of: ["tier"]) == 4)
        #expect(locator.line(of: ["tier", "[0]"]) == 4)
        #expect(locator.line(of: ["tier", "[0]", "name"]) == 5)
        #expect(locator.line(of: ["tier", "[1]"]) == 6)
        #expect(locator.line(of: ["tier", "[1]", "download"]) == 8)
        #expect(locator.line(of: ["tier", "[1]", "upload"]) == nil)
        #expect(locator.nearestLine(of: ["tier", "[1]", "upload"]) == 6)
        #expect(locator.nearestLine(of: ["feed", "file"]) == 0)
    }

    @Test func multilineValuesDoNotHideOrFakeKeys() {
        let locator = TOMLKeyLocator(text: #"""
            [scoring]
            exempt = [
              "alice",   # bob = 1
              "carol",
            ]
            note = """
            fake = "not a key"
            [not.a.table]
            """
            literal = '''
            also = 'fake'
            '''
            inline = { a = 1, b = [1,
              2] }
            escaped = "quote \" and [ bracket"
            hysteresis = 25
            """#)
        #expect(locator.line(of: ["scoring", "exempt"]) == 2)
        #expect(locator.line(of: ["scoring", "note"]) == 6)
        #expect(locator.line(of: ["scoring", "fake"]) == nil)
        #expect(locator.line(of: ["not"]) == nil)
        #expect(locator.line(of: ["scoring", "literal"]) == 10)
        #expect(locator.line(of: ["scoring", "also"]) == nil)
        #expect(locator.line(of: ["scoring", "inline"]) == 13)
        #expect(locator.line(of: ["scoring", "escaped"]) == 15)
        #expect(locator.line(of: ["scoring", "hysteresis"]) == 16)
    }

    @Test func dottedAndQuotedKeys() {
        let locator = TOMLKeyLocator(text: """
            network.interface = "eth1"
            [ "daemon" ]
            'admin_group' = "tierd"
            """)
        #expect(locator.line(of: ["network"]) == 1)
        #expect(locator.line(of: ["network", "interface"]) == 1)
        #expect(locator.line(of: ["daemon"]) == 2)
        #expect(locator.line(of: ["daemon", "admin_group"]) == 3)
    }

    @Test func dottedKeyErrorsPointAtTheirLine() {
        let text = ConfigFixture.minimal.replacingOccurrences(of: "[network]\n", with: "[network]\nfloor = \"1kbit\"\n")
            + "daemon.reconcile_interval = \"never\"\n"
        // A dotted key after [[tier]] belongs to that tier: unknown there.
        #expect(ConfigFixture.errors(text) == [
            "\(ConfigFixture.path):14: unknown key \"daemon\" in [[tier]]",
        ])
    }
}
