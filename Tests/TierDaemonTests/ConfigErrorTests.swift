import Testing
@testable import TierDaemon

/// One test per config error kind, asserting the exact `file:line: message`.
/// `ConfigFixture.minimal` is 12 lines long, so appended text starts at line 13.
@Suite struct ConfigErrorTests {
    let file = ConfigFixture.path

    private func errors(appending text: String) -> [String] {
        ConfigFixture.errors(ConfigFixture.minimal + text)
    }

    private func errors(replacing old: String, with new: String) -> [String] {
        let text = ConfigFixture.minimal.replacingOccurrences(of: old, with: new)
        precondition(text != ConfigFixture.minimal, "fixture does not contain \(old)")
        return ConfigFixture.errors(text)
    }

    @Test func syntaxErrorCarriesTomlLineAndColumn() {
        #expect(errors(appending: "[daemon]\nstate_dir = \"/var/lib/tierd\n") == [
            "\(file):14: syntax error: Error while parsing string: unescaped control characters other than TAB (U+0009) are explicitly prohibited (column 28)",
        ])
    }

    @Test func duplicateKeyIsASyntaxError() {
        #expect(errors(appending: "[daemon]\nstate_dir = \"/a\"\nstate_dir = \"/b\"\n") == [
            "\(file):15: syntax error: Error while parsing key-value pair: cannot redefine existing string 'state_dir' (column 13)",
        ])
    }

    @Test func unknownKeyInSection() {
        #expect(errors(appending: "[daemon]\ncontrol_sockett = \"/run/x.sock\"\n") == [
            "\(file):14: unknown key \"control_sockett\" in [daemon] (did you mean \"control_socket\"?)",
        ])
    }

    @Test func unknownKeyInTier() {
        #expect(errors(replacing: "min_score = 800", with: "min_score = 800\ndownlod = \"5mbit\"") == [
            "\(file):8: unknown key \"downlod\" in [[tier]] (did you mean \"download\"?)",
        ])
    }

    @Test func unknownSectionAndTopLevelKey() {
        #expect(ConfigFixture.errors("verbose = true\n" + ConfigFixture.minimal + "[metrics]\nport = 9100\n") == [
            "\(file):1: unknown key \"verbose\" at top level (keys belong in a section)",
            "\(file):14: unknown section [metrics] (expected [daemon], [feed], [scoring], [network] or [[tier]])",
        ])
    }

    @Test func misspelledSectionGetsASuggestion() {
        #expect(errors(appending: "[[tiers]]\nname = \"x\"\n[netwrk]\n") == [
            "\(file):13: unknown section [[tiers]] (did you mean [[tier]]?)",
            "\(file):15: unknown section [netwrk] (did you mean [network]?)",
        ])
    }

    @Test func sectionWrittenAsAValue() {
        #expect(ConfigFixture.errors("daemon = 5\n" + ConfigFixture.minimal) == [
            "\(file):1: daemon must be a table: write [daemon]",
        ])
    }

    @Test func missingRequiredNetworkKeys() {
        let text = ConfigFixture.minimal
            .replacingOccurrences(of: "interface = \"eth1\"\n", with: "")
            .replacingOccurrences(of: "users_file = \"users.csv\"\n", with: "ifb = \"ifb0\"\n")
        #expect(ConfigFixture.errors(text) == [
            "\(file):1: network.interface is required",
            "\(file):1: network.users_file is required",
        ])
    }

    @Test func missingNetworkSectionIsAWholeFileError() {
        let text = ConfigFixture.minimal
            .replacingOccurrences(of: "[network]\ninterface = \"eth1\"\nusers_file = \"users.csv\"\n", with: "")
        #expect(ConfigFixture.errors(text) == [
            "\(file): network.interface is required",
            "\(file): network.users_file is required",
        ])
    }

    @Test func noTiers() {
        #expect(ConfigFixture.errors("[network]\ninterface = \"eth1\"\nusers_file = \"u.csv\"\n") == [
            "\(file): at least one [[tier]] is required",
        ])
    }

    @Test func tierWrittenAsPlainTable() {
        #expect(ConfigFixture.errors("[network]\ninterface = \"eth1\"\nusers_file = \"u.csv\"\n[tier]\nname = \"x\"\n") == [
            "\(file):4: tier must be an array of tables: write [[tier]], not [tier]",
        ])
    }

    @Test func duplicateTierName() {
        #expect(errors(replacing: "name = \"full\"", with: "name = \"minimal\"") == [
            "\(file):10: tier.name \"minimal\" is used twice: tier names must be unique (first at line 5)",
        ])
    }

    @Test func tierNameMissingOrInvalid() {
        #expect(errors(replacing: "name = \"full\"\n", with: "") == [
            "\(file):5: tier.name is required",
        ])
        #expect(errors(replacing: "name = \"full\"", with: "name = \"full speed\"") == [
            "\(file):6: tier.name \"full speed\" is invalid (1-32 characters from A-Z a-z 0-9 . _ -)",
        ])
    }

    @Test func missingCatchAll() {
        #expect(errors(replacing: "name = \"minimal\"", with: "name = \"minimal\"\nmin_score = 100") == [
            "\(file):9: no catch-all tier: the lowest [[tier]] must omit min_score so every score has a tier",
        ])
    }

    @Test func twoCatchAlls() {
        #expect(errors(replacing: "min_score = 800\n", with: "") == [
            "\(file):8: tier \"minimal\" has no min_score, but tier \"full\" (line 5) is already the catch-all: only the lowest tier may omit min_score",
        ])
    }

    @Test func duplicateThresholdsOverlap() {
        let text = ConfigFixture.minimal + """
            [[tier]]
            name = "reduced"
            min_score = 800.0
            download = "20mbit"
            """
        #expect(ConfigFixture.errors(text) == [
            "\(file):15: tier.min_score 800 of tier \"reduced\" is the same as tier \"full\" (line 5): thresholds must differ",
        ])
    }

    @Test func tierBelowFloor() {
        #expect(errors(replacing: "upload = \"1mbit\"", with: "upload = \"128kbit\"") == [
            "\(file):12: tier.upload 128kbit is below network.floor 256kbit",
        ])
        #expect(errors(replacing: "interface = \"eth1\"", with: "interface = \"eth1\"\nfloor = \"5mbit\"") == [
            "\(file):12: tier.download 2mbit is below network.floor 5mbit",
            "\(file):13: tier.upload 1mbit is below network.floor 5mbit",
        ])
    }

    @Test func zeroRate() {
        #expect(errors(replacing: "download = \"2mbit\"", with: "download = \"0kbit\"") == [
            "\(file):11: tier.download must be greater than 0 (omit it to leave download unthrottled)",
        ])
    }

    @Test func badRateUnit() {
        #expect(errors(replacing: "download = \"2mbit\"", with: "download = \"2 megabit\"") == [
            "\(file):11: tier.download has an invalid rate \"2 megabit\" (expected a number and one of bit kbit mbit gbit tbit, bps kbps mbps gbps tbps)",
        ])
    }

    @Test func negativeRate() {
        #expect(errors(replacing: "download = \"2mbit\"", with: "download = -2000000") == [
            "\(file):11: tier.download must not be negative, found -2000000",
        ])
        #expect(errors(replacing: "download = \"2mbit\"", with: "download = \"-2mbit\"") == [
            "\(file):11: tier.download has an invalid rate \"-2mbit\" (expected a number and one of bit kbit mbit gbit tbit, bps kbps mbps gbps tbps)",
        ])
    }

    @Test func badAndNegativeDurations() {
        #expect(errors(appending: "[scoring]\nhalf_life = \"1 day\"\nmin_dwell = -5\n") == [
            "\(file):14: scoring.half_life has an invalid duration \"1 day\" (expected e.g. \"30s\", \"15m\", \"1h30m\"; units ms s m h d)",
            "\(file):15: scoring.min_dwell must not be negative, found -5",
        ])
        #expect(errors(appending: "[daemon]\nreconcile_interval = \"0s\"\n") == [
            "\(file):14: daemon.reconcile_interval must be greater than 0s",
        ])
    }

    @Test func wrongValueTypes() {
        #expect(errors(appending: "[network]\n") .count == 1) // re-opening a table is a syntax error
        #expect(errors(replacing: "interface = \"eth1\"", with: "interface = \"eth1\"\ntakeover = \"yes\"") == [
            "\(file):3: network.takeover must be true or false, found string \"yes\"",
        ])
        #expect(errors(replacing: "min_score = 800", with: "min_score = \"800\"") == [
            "\(file):7: tier.min_score must be a number, found string \"800\"",
        ])
        #expect(errors(appending: "[feed]\nmax_line = 4096.5\n[scoring]\nexempt = \"bob\"\n") == [
            "\(file):14: feed.max_line must be an integer, found number 4096.5",
            "\(file):16: scoring.exempt must be an array of strings, found string \"bob\"",
        ])
    }

    @Test func nonFiniteAndNegativeNumbers() {
        #expect(errors(appending: "[scoring]\nbaseline = nan\nhysteresis = -1\n") == [
            "\(file):14: scoring.baseline must be a finite number, found nan",
            "\(file):15: scoring.hysteresis must not be negative, found -1",
        ])
    }

    @Test func defaultTierMustNameATier() {
        #expect(errors(appending: "[scoring]\ndefault_tier = \"gold\"\n") == [
            "\(file):14: scoring.default_tier \"gold\" does not name a [[tier]] (tiers: full, minimal)",
        ])
    }

    @Test func exemptIDsMustBeValidAndUnique() {
        #expect(errors(appending: "[scoring]\nexempt = [\"alice\", \"bad id\", \"alice\"]\n") == [
            "\(file):14: scoring.exempt contains an invalid user id \"bad id\" (1-64 characters from A-Z a-z 0-9 . _ @ -)",
            "\(file):14: scoring.exempt lists \"alice\" twice",
        ])
    }

    @Test func runtimePathsMustBeAbsoluteAndSocketsShort() {
        let long = "/run/" + String(repeating: "x", count: 110) + ".sock"
        #expect(errors(appending: "[daemon]\ncontrol_socket = \"control.sock\"\nstate_dir = \"state\"\n[feed]\nsocket = \"\(long)\"\n") == [
            "\(file):14: daemon.control_socket must be an absolute path, found \"control.sock\"",
            "\(file):15: daemon.state_dir must be an absolute path, found \"state\"",
            "\(file):17: feed.socket is too long for a Unix socket path (120 bytes, at most 107)",
        ])
    }

    @Test func emptyStringsWhereAValueIsNeeded() {
        #expect(errors(appending: "[daemon]\nadmin_group = \"\"\n[feed]\nfile = \"\"\n") == [
            "\(file):14: daemon.admin_group must not be empty (omit it to allow only root)",
            "\(file):16: feed.file must not be empty (omit it to disable the file feed)",
        ])
    }

    @Test func interfaceNames() {
        #expect(errors(replacing: "interface = \"eth1\"", with: "interface = \"eth1:0\"") == [
            "\(file):2: network.interface \"eth1:0\" is not a valid interface name (1-15 characters, no '/', ':' or whitespace)",
        ])
        #expect(errors(replacing: "interface = \"eth1\"", with: "interface = \"eth1\"\nifb = \"eth1\"") == [
            "\(file):3: network.ifb must differ from network.interface \"eth1\"",
        ])
        #expect(errors(replacing: "interface = \"eth1\"", with: "interface = \"eth1\"\nnamespace = \"a/b\"") == [
            "\(file):3: network.namespace \"a/b\" is not a valid network namespace name",
        ])
    }

    @Test func spareClassesRange() {
        #expect(errors(replacing: "interface = \"eth1\"", with: "interface = \"eth1\"\nspare_classes = -1") == [
            "\(file):3: network.spare_classes must be between 0 and 1024, found -1",
        ])
        #expect(errors(replacing: "interface = \"eth1\"", with: "interface = \"eth1\"\nspare_classes = 5000") == [
            "\(file):3: network.spare_classes must be between 0 and 1024, found 5000",
        ])
    }

    @Test func maxLineRange() {
        #expect(errors(appending: "[feed]\nmax_line = 10\n") == [
            "\(file):14: feed.max_line must be between 64 and 16777216 bytes, found 10",
        ])
    }

    @Test func maxFutureSkewMustBeADuration() {
        #expect(errors(appending: "[feed]\nmax_future_skew = \"soon\"\n") == [
            "\(file):14: feed.max_future_skew has an invalid duration \"soon\" (expected e.g. \"30s\", \"15m\", \"1h30m\"; units ms s m h d)",
        ])
        #expect(errors(appending: "[feed]\nmax_future_skew = -5\n") == ["\(file):14: feed.max_future_skew must not be negative, found -5"])
    }

    @Test func everyErrorIsReportedInLineOrder() {
        let text = """
            [[tier]]
            name = "full"
            min_score = 800
            download = "1kbit"

            [network]
            interface = "eth1"
            users_file = "u.csv"
            floor = "fast"

            [scoring]
            default_tier = "none"
            colour = "blue"

            [[tier]]
            name = "full"
            """
        #expect(ConfigFixture.errors(text) == [
            "\(file):4: tier.download 1kbit is below network.floor 256kbit",
            "\(file):9: network.floor has an invalid rate \"fast\" (expected a number and one of bit kbit mbit gbit tbit, bps kbps mbps gbps tbps)",
            "\(file):12: scoring.default_tier \"none\" does not name a [[tier]] (tiers: full)",
            "\(file):13: unknown key \"colour\" in [scoring]",
            "\(file):16: tier.name \"full\" is used twice: tier names must be unique (first at line 1)",
        ])
    }
}
