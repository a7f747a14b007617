import TestSupport
import Foundation
import Testing
@testable import TierDaemon

/// `tierd --check`: every error from both files, exit 78; or a summary, exit 0.
@Suite struct ConfigCheckTests {
    @Test func validConfigAndUsersPrintASummary() throws {
        let directory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("tierd.toml").path
        try (ConfigFixture.minimal + "[scoring]\nexempt = [\"alice\", \"zed\"]\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        try "id,addresses,unix_user\nalice,10.0.0.11 2001:db8::11,root\nbob,10.0.0.12,no-such-account-xyz\n"
            .write(toFile: directory.url.appendingPathComponent("users.csv").path, atomically: true, encoding: .utf8)

        let result = ConfigCheck.run(configPath: config)
        let users = directory.url.appendingPathComponent("users.csv").path
        #expect(result.exitCode == 0)
        #expect(result.output == """
            \(users):3: warning: unix_user "no-such-account-xyz" of user "bob" is not a local account; it cannot read its status until it exists
            \(config): warning: scoring.exempt lists "zed", which is not in \(users)
            \(config): OK
            interface eth1, upload via ifb-tierd, floor 256kbit
            tiers, best first (default full):
              full (>= 800): unthrottled
              minimal (catch-all): down 2mbit, up 1mbit
            users: 2 with 3 addresses from \(users)

            """)
    }

    @Test func errorsFromBothFilesExitWithEXCONFIG() throws {
        let directory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("tierd.toml").path
        let users = directory.url.appendingPathComponent("users.csv").path
        try (ConfigFixture.minimal + "[daemon]\nreconcile_interval = \"soon\"\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        try "id,addresses\nalice,10.0.0.300\n".write(toFile: users, atomically: true, encoding: .utf8)

        let result = ConfigCheck.run(configPath: config)
        #expect(result.exitCode == 78)
        #expect(result.output == """
            \(config):14: daemon.reconcile_interval has an invalid duration "soon" (expected e.g. "30s", "15m", "1h30m"; units ms s m h d)
            \(users):2: invalid address or prefix "10.0.0.300" for user "alice" (host bits of a prefix must be zero)

            """)
    }

    @Test func missingUsersFileIsAnError() throws {
        let directory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("tierd.toml").path
        try ConfigFixture.minimal.write(toFile: config, atomically: true, encoding: .utf8)
        let result = ConfigCheck.run(configPath: config)
        #expect(result.exitCode == 78)
        #expect(result.output == "\(directory.url.appendingPathComponent("users.csv").path): cannot read: No such file or directory\n")
    }

    @Test func missingConfigIsAnError() {
        let result = ConfigCheck.run(configPath: "/nonexistent/tierd.toml")
        #expect(result.exitCode == 78)
        #expect(result.output == "/nonexistent/tierd.toml: cannot read: No such file or directory\n")
    }
}

@Suite struct ConfigCheckWarningTests {
    @Test func slowerBetterTierIsWarnedAbout() throws {
        let text = """
            [network]
            interface = "eth1"
            users_file = "users.csv"

            [[tier]]
            name = "gold"
            min_score = 800
            download = "10mbit"

            [[tier]]
            name = "silver"
            min_score = 500
            download = "20mbit"
            upload = "5mbit"

            [[tier]]
            name = "bronze"
            download = "2mbit"
            """
        let configuration = try ConfigFixture.load(text)
        #expect(ConfigCheck.inversionWarnings(configuration) == [
            "\(ConfigFixture.path):5: warning: tier \"gold\" download 10mbit is slower than the lower tier \"silver\" (20mbit)",
            "\(ConfigFixture.path):10: warning: tier \"silver\" upload 5mbit is slower than the lower tier \"bronze\" (unthrottled)",
        ])
        #expect(ConfigCheck.inversionWarnings(try ConfigFixture.load(ConfigFixture.minimal)) == [])
    }
}
