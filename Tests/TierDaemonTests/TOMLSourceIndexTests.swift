import Testing
@testable import TierDaemon

/// The one scan of the config text: the lines that semantic errors point at, and the
/// inputs toml++ must not see.
@Suite struct TOMLSourceIndexTests {
    @Test func tablesKeysAndArrayElementsGetTheirLines() {
        let index = TOMLSourceIndex(text: """
            top = 1
            [daemon]
              state_dir = "/x"   # comment with key = "value"
            [[tier]]
            name = "a"
            [[tier]]
            name = "b"
            download = "1mbit"
            """)
        #expect(index.line(of: ["top"]) == 1)
        #expect(index.line(of: ["daemon"]) == 2)
        #expect(index.line(of: ["daemon", "state_dir"]) == 3)
        #expect(index.line(of: ["tier"]) == 4)
        #expect(index.line(of: ["tier", "[0]"]) == 4)
        #expect(index.line(of: ["tier", "[0]", "name"]) == 5)
        #expect(index.line(of: ["tier", "[1]"]) == 6)
        #expect(index.line(of: ["tier", "[1]", "download"]) == 8)
        #expect(index.line(of: ["tier", "[1]", "upload"]) == nil)
        #expect(index.nearestLine(of: ["tier", "[1]", "upload"]) == 6)
        #expect(index.nearestLine(of: ["feed", "file"]) == 0)
    }

    @Test func multilineValuesDoNotHideOrFakeKeys() {
        let index = TOMLSourceIndex(text: #"""
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
        #expect(index.line(of: ["scoring", "exempt"]) == 2)
        #expect(index.line(of: ["scoring", "note"]) == 6)
        #expect(index.line(of: ["scoring", "fake"]) == nil)
        #expect(index.line(of: ["not"]) == nil)
        #expect(index.line(of: ["scoring", "literal"]) == 10)
        #expect(index.line(of: ["scoring", "also"]) == nil)
        #expect(index.line(of: ["scoring", "inline"]) == 13)
        #expect(index.line(of: ["scoring", "escaped"]) == 15)
        #expect(index.line(of: ["scoring", "hysteresis"]) == 16)
    }

    @Test func dottedAndQuotedKeys() {
        let index = TOMLSourceIndex(text: """
            network.interface = "eth1"
            [ "daemon" ]
            'admin_group' = "tierd"
            """)
        #expect(index.line(of: ["network"]) == 1)
        #expect(index.line(of: ["network", "interface"]) == 1)
        #expect(index.line(of: ["daemon"]) == 2)
        #expect(index.line(of: ["daemon", "admin_group"]) == 3)
    }

    @Test func dottedKeyErrorsPointAtTheirLine() {
        let text = ConfigFixture.minimal.replacingOccurrences(of: "[network]\n", with: "[network]\nfloor = \"1kbit\"\n")
            + "daemon.reconcile_interval = \"never\"\n"
        // A dotted key after [[tier]] belongs to that tier: unknown there.
        #expect(ConfigFixture.errors(text) == [
            "\(ConfigFixture.path):14: unknown key \"daemon\" in [[tier]]",
        ])
    }

    @Test func nestedArraysOfTablesCountTheirElementsPerParent() {
        let index = TOMLSourceIndex(text: """
            [network]
            users_file = "u.csv"
            [[network.interface]]
            name = "eth1"
            [[network.interface]]
            name = "eth2"
            ifb = "ifb2"
            [[tier]]
            name = "a"
            [tier.extra]
            x = 1
            """)
        #expect(index.problem == nil)
        #expect(index.line(of: ["network", "users_file"]) == 2)
        #expect(index.line(of: ["network", "interface"]) == 3)
        #expect(index.line(of: ["network", "interface", "[0]", "name"]) == 4)
        #expect(index.line(of: ["network", "interface", "[1]"]) == 5)
        #expect(index.line(of: ["network", "interface", "[1]", "ifb"]) == 7)
        #expect(index.line(of: ["tier", "[0]", "extra", "x"]) == 11, "a sub-table belongs to the newest element")
    }

    @Test func quotedKeysKeepDotsEscapesAndBlanks() {
        let index = TOMLSourceIndex(text: #"""
            [scoring]
            "a.b" = 1
            "say \"hi\"" = 2
            'c d' . e = 3
            """#)
        #expect(index.line(of: ["scoring", "a.b"]) == 2)
        #expect(index.line(of: ["scoring", "a"]) == nil)
        #expect(index.line(of: ["scoring", #"say \"hi\""#]) == 3, "the raw text between the quotes")
        #expect(index.line(of: ["scoring", "c d", "e"]) == 4)
    }

    @Test func multilineStringsCountTheirLinesIncludingEscapedNewlines() {
        let index = TOMLSourceIndex(text: #"""
            a = """one \
            two""""
            b = '''x
            ''''
            c = ["""x"""", "y"]
            d = 1
            """#)
        #expect(index.line(of: ["a"]) == 1)
        #expect(index.line(of: ["b"]) == 3)
        #expect(index.line(of: ["c"]) == 5)
        #expect(index.line(of: ["d"]) == 6, "extra closing quotes belong to the content")
    }

    @Test func commentsAfterHeadersAndValuesHideNothing() {
        let index = TOMLSourceIndex(text: """
            [feed] # [daemon]
            file = "f" # socket = "s"
            # max_line = 1
            socket = "s"
            """)
        #expect(index.line(of: ["daemon"]) == nil)
        #expect(index.line(of: ["feed", "max_line"]) == nil)
        #expect(index.line(of: ["feed", "socket"]) == 4)
    }

    @Test(arguments: [
        ("[daemon]\n[# comment\n", 2, "a table header needs a name: a bare key or a quoted one"),
        ("[[ =tier]]\n", 1, "a table header needs a name: a bare key or a quoted one"),
        ("x = [\n  1,\n] \u{00E9}\n", 3, "non-ASCII character outside a string or comment"),
        ("k\u{00E9}y = 1\n", 1, "non-ASCII character outside a string or comment"),
    ])
    func problemsAreLocated(text: String, line: Int, message: String) {
        #expect(TOMLSourceIndex(text: text).problem == TOMLSourceIndex.Problem(line: line, message: message))
    }

    @Test func bracketsInsideValuesAreNotHeaders() {
        let index = TOMLSourceIndex(text: """
            exempt = [
            [ "=a" ],
            ]
            inline = { t = [ 1,
            2 ] }
            after = 1
            """)
        #expect(index.problem == nil)
        #expect(index.line(of: ["after"]) == 6)
        #expect(index.line(of: ["inline", "t"]) == nil, "keys inside inline tables are not indexed")
        #expect(index.nearestLine(of: ["inline", "t"]) == 4)
    }
}
