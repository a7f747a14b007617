import TestSupport
import Foundation
import Testing
@testable import TierDaemon

@Suite struct ConfigLoaderTests {
    /// The contract's full example config (README, docs/operations.md), verbatim.
    static let designExample = """
        [daemon]
        control_socket = "/run/tierd/control.sock"
        state_dir = "/var/lib/tierd"          # snapshot, journal, feed offsets
        admin_group = "tierd"                 # members (and root) may change things
        reconcile_interval = "30s"

        [feed]
        file = "/var/lib/tierd/feed/scores.jsonl"   # optional; watched with inotify
        socket = "/run/tierd/feed.sock"             # optional
        stale_after = "15m"                         # no event for this long -> default tier
        max_line = 4096                             # bytes; longer lines are rejected

        [scoring]
        baseline = 1000      # score of a user with no data; decay target
        half_life = "24h"    # deviations from baseline halve this often; "0s" = no decay
        hysteresis = 25      # points past a boundary needed to move to a better tier
        min_dwell = "60s"    # minimum time in a tier before the next automatic change
        default_tier = "full"
        exempt = []          # user ids that are never throttled

        [network]
        interface = "eth1"              # subscriber-facing device: egress = download
        ifb = "ifb-tierd"               # upload is shaped here (created if missing)
        users_file = "/etc/tierd/users.csv"
        floor = "256kbit"               # no tier may shape below this
        takeover = false

        [[tier]]
        name = "full"                   # no rates: unthrottled
        min_score = 800

        [[tier]]
        name = "reduced"
        min_score = 500
        download = "20mbit"
        upload = "5mbit"

        [[tier]]
        name = "minimal"                # no min_score: catch-all, lowest
        download = "2mbit"
        upload = "1mbit"
        """

    @Test func designExampleParsesToExpectedValues() throws {
        let configuration = try ConfigFixture.load(Self.designExample)
        let expected = DaemonConfiguration(
            daemon: DaemonSection(
                controlSocket: "/run/tierd/control.sock", stateDir: "/var/lib/tierd",
                adminGroup: "tierd", reconcileInterval: 30
            ),
            feed: FeedSection(
                file: "/var/lib/tierd/feed/scores.jsonl", socket: "/run/tierd/feed.sock",
                staleAfter: 900, maxLine: 4096
            ),
            scoring: ScoringSection(
                baseline: 1000, halfLife: 86400, hysteresis: 25, minDwell: 60,
                defaultTier: "full", exempt: []
            ),
            network: NetworkSection(
                interface: "eth1", ifb: "ifb-tierd", usersFile: "/etc/tierd/users.csv",
                floor: 256_000, takeover: false, namespace: nil
            ),
            tiers: [
                TierSection(name: "full", minScore: 800, download: nil, upload: nil, line: 28),
                TierSection(name: "reduced", minScore: 500, download: 20_000_000, upload: 5_000_000, line: 32),
                TierSection(name: "minimal", minScore: nil, download: 2_000_000, upload: 1_000_000, line: 38),
            ],
            sourcePath: "/etc/tierd/tierd.toml"
        )
        #expect(configuration == expected)
    }

    @Test func absentKeysTakeDocumentedDefaults() throws {
        let configuration = try ConfigFixture.load(ConfigFixture.minimal)
        #expect(configuration.daemon == DaemonSection(
            controlSocket: "/run/tierd/control.sock", stateDir: "/var/lib/tierd",
            adminGroup: nil, reconcileInterval: 30
        ))
        #expect(configuration.feed == FeedSection(file: nil, socket: nil, staleAfter: 900, maxLine: 4096))
        #expect(configuration.scoring == ScoringSection(
            baseline: 1000, halfLife: 86400, hysteresis: 25, minDwell: 60, defaultTier: "full", exempt: []
        ))
        #expect(configuration.network.ifb == "ifb-tierd")
        #expect(configuration.network.floor == 256_000)
        #expect(configuration.network.takeover == false)
        #expect(configuration.network.namespace == nil)
        #expect(configuration.network.spareClasses == 32)
    }

    @Test func relativeInputPathsResolveAgainstTheConfigDirectory() throws {
        let text = ConfigFixture.minimal + """
            [feed]
            file = "../feeds/./scores.jsonl"
            """
        let configuration = try ConfigFixture.load(text, path: "/srv/tierd/conf/tierd.toml")
        #expect(configuration.network.usersFile == "/srv/tierd/conf/users.csv")
        #expect(configuration.feed.file == "/srv/tierd/feeds/scores.jsonl")
        #expect(configuration.sourcePath == "/srv/tierd/conf/tierd.toml")
    }

    @Test func relativeConfigPathIsMadeAbsoluteFromTheWorkingDirectory() throws {
        let configuration = try ConfigFixture.load(ConfigFixture.minimal, path: "conf/tierd.toml")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(configuration.sourcePath == "\(cwd)/conf/tierd.toml")
        #expect(configuration.network.usersFile == "\(cwd)/conf/users.csv")
    }

    @Test func integersAndFloatsAreBothNumbers() throws {
        let text = ConfigFixture.minimal + """
            [scoring]
            baseline = 1000.5
            hysteresis = 10
            half_life = 3600
            min_dwell = 1.5
            [daemon]
            reconcile_interval = 45
            """
        let configuration = try ConfigFixture.load(text)
        #expect(configuration.scoring.baseline == 1000.5)
        #expect(configuration.scoring.hysteresis == 10)
        #expect(configuration.scoring.halfLife == 3600)
        #expect(configuration.scoring.minDwell == 1.5)
        #expect(configuration.daemon.reconcileInterval == 45)
    }

    @Test func integerRatesAreBitsPerSecond() throws {
        let text = ConfigFixture.minimal.replacingOccurrences(of: "download = \"2mbit\"", with: "download = 3000000")
        let configuration = try ConfigFixture.load(text)
        #expect(configuration.tier(named: "minimal")?.download == 3_000_000)
    }

    @Test func tiersAreOrderedBestFirstWhateverTheFileOrder() throws {
        let text = """
            [network]
            interface = "eth1"
            users_file = "/etc/tierd/users.csv"

            [[tier]]
            name = "minimal"
            download = "2mbit"

            [[tier]]
            name = "reduced"
            min_score = 500
            download = "20mbit"

            [[tier]]
            name = "full"
            min_score = 800
            """
        let configuration = try ConfigFixture.load(text)
        #expect(configuration.tiers.map(\.name) == ["full", "reduced", "minimal"])
        #expect(configuration.tiers.map(\.line) == [14, 9, 5])
        // Default tier falls back to the best one: fail open.
        #expect(configuration.scoring.defaultTier == "full")
    }

    @Test func aTierMayShapeOnlyOneDirection() throws {
        let text = ConfigFixture.minimal.replacingOccurrences(of: "upload = \"1mbit\"\n", with: "")
        let tier = try #require(try ConfigFixture.load(text).tier(named: "minimal"))
        #expect(tier.download == 2_000_000)
        #expect(tier.upload == nil)
        #expect(!tier.isUnthrottled)
    }

    @Test func zeroStaleAfterDisablesStaleness() throws {
        let text = ConfigFixture.minimal + "[feed]\nstale_after = \"0s\"\n"
        #expect(try ConfigFixture.load(text).feed.staleAfter == nil)
    }

    @Test func maxFutureSkewIsADurationDefaultingToFiveMinutes() throws {
        #expect(try ConfigFixture.load(ConfigFixture.minimal).feed.maxFutureSkew == 300)
        #expect(try ConfigFixture.load(ConfigFixture.minimal + "[feed]\nmax_future_skew = \"90s\"\n").feed.maxFutureSkew == 90)
        #expect(try ConfigFixture.load(ConfigFixture.minimal + "[feed]\nmax_future_skew = 0\n").feed.maxFutureSkew == 0)
        let policy = try PolicyMapping.scoringPolicy(ConfigFixture.load(ConfigFixture.minimal + "[feed]\nmax_future_skew = \"1h\"\n"))
        #expect(policy.maxFutureSkew == 3600)
    }

    @Test func namespaceExtensionAndTakeoverAreRead() throws {
        let text = ConfigFixture.minimal.replacingOccurrences(
            of: "interface = \"eth1\"\n",
            with: "interface = \"veth0\"\nnamespace = \"tierd-test\"\ntakeover = true\nfloor = 0\nspare_classes = 0\n"
        )
        let network = try ConfigFixture.load(text).network
        #expect(network.spareClasses == 0)
        #expect(network.interface == "veth0")
        #expect(network.namespace == "tierd-test")
        #expect(network.takeover)
        #expect(network.floor == 0)
    }

    @Test func loadReadsTheFileAndReportsAnUnreadableOne() throws {
        let directory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("tierd.toml")
        try ConfigFixture.minimal.write(to: file, atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(path: file.path)
        #expect(configuration.network.usersFile == directory.url.appendingPathComponent("users.csv").path)

        let missing = directory.url.appendingPathComponent("absent.toml").path
        #expect(throws: ConfigErrors([ConfigError(file: missing, line: 0, message: "cannot read: No such file or directory")])) {
            try ConfigLoader.load(path: missing)
        }
    }
}
