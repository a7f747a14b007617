import TOMLKit
import Testing
@testable import TierDaemon

/// The key tables drive parsing, unknown-key hints and the reload's restart-only check:
/// every key declared is read into the configuration, a near miss suggests it, and exactly
/// the keys declared restart-only are refused on reload.
@Suite struct ConfigKeyTableTests {
    /// Every declared key as "section.key", whether it is restart-only.
    static let declared: [(name: String, restartOnly: Bool)] = {
        func entries<Draft>(_ table: ConfigKeyTable<Draft>) -> [(name: String, restartOnly: Bool)] {
            table.keys.map { ("\(table.prefix).\($0.name)", $0.restartOnlyChange != nil) }
        }
        return entries(DaemonSectionKeys.table) + entries(FeedSectionKeys.table) + entries(NetworkSectionKeys.table)
            + entries(ScoringSectionKeys.table) + entries(TierSectionKeys.table)
    }()

    /// What a valid config needs; `tier.*` is the first of two tiers.
    static let base = [
        "network.interface": #""eth1""#, "network.users_file": #""users.csv""#,
        "tier.name": #""full""#, "tier.min_score": "800",
    ]

    /// A valid value for every key, different from its default and from `base`.
    static let samples = [
        "daemon.state_dir": #""/srv/tierd""#, "daemon.control_socket": #""/srv/tierd/control.sock""#,
        "daemon.admin_group": #""tierd""#, "daemon.reconcile_interval": #""1m""#,
        "feed.file": #""/srv/feed.jsonl""#, "feed.socket": #""/srv/feed.sock""#, "feed.stale_after": #""1h""#,
        "feed.max_line": "8192", "feed.max_future_skew": #""1m""#,
        "scoring.baseline": "500", "scoring.half_life": #""1h""#, "scoring.hysteresis": "10",
        "scoring.min_dwell": #""2m""#, "scoring.default_tier": #""minimal""#, "scoring.exempt": #"["alice"]"#,
        "network.interface": #""eth2""#, "network.ifb": #""ifb-other""#, "network.users_file": #""other.csv""#,
        "network.floor": #""1mbit""#, "network.takeover": "true", "network.namespace": #""blue""#,
        "network.spare_classes": "3",
        "tier.name": #""gold""#, "tier.min_score": "900", "tier.download": #""10mbit""#, "tier.upload": #""5mbit""#,
    ]

    /// A config written from "section.key" values.
    static func text(_ values: [String: String]) -> String {
        func lines(_ section: String) -> String {
            values.sorted { $0.key < $1.key }.filter { $0.key.hasPrefix(section + ".") }
                .map { "\($0.key.dropFirst(section.count + 1)) = \($0.value)\n" }.joined()
        }
        return ["daemon", "feed", "scoring", "network"].map { "[\($0)]\n" + lines($0) }.joined()
            + "[[tier]]\n" + lines("tier") + "[[tier]]\nname = \"minimal\"\n"
    }

    /// The configuration written from `values`, without the tiers' lines (which an added
    /// key moves).
    static func load(_ values: [String: String]) throws -> DaemonConfiguration {
        var configuration = try ConfigFixture.load(text(values))
        for position in configuration.tiers.indices { configuration.tiers[position].line = 0 }
        return configuration
    }

    @Test func everyDeclaredKeyHasASampleAndNoSampleIsUndeclared() {
        #expect(Set(Self.declared.map(\.name)) == Set(Self.samples.keys))
        #expect(Set(Self.declared.map(\.name)).count == Self.declared.count, "a key declared twice")
    }

    @Test(arguments: declared)
    func everyKeyIsReadAndReloadsAsDeclared(key: String, restartOnly: Bool) throws {
        let before = try Self.load(Self.base)
        let after = try Self.load(Self.base.merging([key: Self.samples[key]!]) { $1 })
        #expect(before != after, "\(key) = \(Self.samples[key]!) changed nothing")
        #expect(before.restartOnlyChanges(to: after) == (restartOnly ? [key] : []))
    }

    @Test func theRestartOnlyKeysAreTheDocumentedOnes() {
        #expect(Self.declared.filter(\.restartOnly).map(\.name).sorted() == [
            "daemon.control_socket", "daemon.state_dir", "feed.file", "feed.socket",
            "network.ifb", "network.interface", "network.namespace", "network.spare_classes",
        ])
    }

    @Test(arguments: declared.map(\.name))
    func aNearMissSuggestsTheKey(key: String) throws {
        let section = String(key.prefix { $0 != "." })
        let name = key.dropFirst(section.count + 1)
        let typo = name + "x"
        let heading = section == "tier" ? "[[tier]]" : "[\(section)]"
        var text = Self.text(Self.base)
        text.replaceSubrange(try #require(text.range(of: heading + "\n")), with: heading + "\n\(typo) = 1\n")
        let errors = ConfigFixture.errors(text)
        #expect(errors.count == 1 && errors.first?.hasSuffix(
            "unknown key \"\(typo)\" in \(heading) (did you mean \"\(name)\"?)"
        ) == true, "\(errors)")
    }

    /// An array of tables inside a section (what `[[network.interface]]` will be) is a
    /// key table of its own, read by the key that holds it, with lines per element.
    @Test func aNestedArrayOfTablesIsReadPerElementWithItsLines() throws {
        let text = """
            [network]
            [[network.interface]]
            name = "eth1"
            [[network.interface]]
            name = "eth 2"
            ifbb = "x"
            """
        let entries = ConfigKeyTable<String?>("network.interface", arrayOfTables: true, [
            ConfigKey("name", required: true) { value, _, name in
                name = value.accepted(value.string(), if: ConfigNameRules.isValidInterfaceName, else: { "\"\($0)\" is invalid" })
            },
            ConfigKey("ifb") { _, _, _ in },
        ])
        let diagnostics = ConfigDiagnostics(file: ConfigFixture.path)
        let context = ConfigReadContext(
            index: TOMLSourceIndex(text: text), diagnostics: diagnostics,
            resolver: ConfigPathResolver(configPath: ConfigFixture.path)
        )
        let network = try #require(try TOMLTable(string: text)["network"]?.table)
        let interfaces = try #require(network["interface"])
        let read = try #require(entries.readElements(interfaces, at: ["network", "interface"], context: context, draft: nil))
        #expect(read.map(\.draft) == ["eth1", nil])
        #expect(read.map(\.path) == [["network", "interface", "[0]"], ["network", "interface", "[1]"]])
        #expect(diagnostics.sortedErrors.map(\.description) == [
            "\(ConfigFixture.path):5: network.interface.name \"eth 2\" is invalid",
            "\(ConfigFixture.path):6: unknown key \"ifbb\" in [[network.interface]] (did you mean \"ifb\"?)",
        ])
    }
}
