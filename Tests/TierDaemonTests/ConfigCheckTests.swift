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

        let result = ConfigCheck.run(configPath: config, directoryState: { _ in .directory })
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
        let result = ConfigCheck.run(configPath: config, directoryState: { _ in .directory })
        #expect(result.exitCode == 78)
        #expect(result.output == "\(directory.url.appendingPathComponent("users.csv").path): cannot read: No such file or directory\n")
    }

    /// The sockets' directories: a missing one is an error at its key's line (exit 78), the
    /// unit's own /run/tierd and the feed file's directory only warnings (exit 0).
    @Test func socketDirectoriesAreChecked() throws {
        let directoryDirectory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directoryDirectory.remove() }
        let directory = directoryDirectory.url
        let config = directory.appendingPathComponent("tierd.toml").path
        let base = directory.path
        try "id,addresses\nalice,10.0.0.11\n".write(toFile: base + "/users.csv", atomically: true, encoding: .utf8)
        try "".write(toFile: base + "/plain", atomically: true, encoding: .utf8)
        try ("[daemon]\ncontrol_socket = \"\(base)/missing/control.sock\"\n[feed]\nsocket = \"\(base)/plain/feed.sock\"\n"
            + "file = \"\(base)/spool/scores.jsonl\"\n" + ConfigFixture.minimal).write(toFile: config, atomically: true, encoding: .utf8)
        let failed = ConfigCheck.run(configPath: config)
        #expect(failed.exitCode == 78)
        #expect(failed.output == """
            \(config):2: daemon.control_socket \(base)/missing/control.sock: directory \(base)/missing does not exist, so the socket cannot be created
            \(config):4: feed.socket \(base)/plain/feed.sock: \(base)/plain is not a directory, so the socket cannot be created
            \(config):5: warning: feed.file \(base)/spool/scores.jsonl: directory \(base)/spool does not exist; tierd runs without the file feed (health degraded) until it does

            """)

        try ("[daemon]\ncontrol_socket = \"/run/tierd/control.sock\"\n" + ConfigFixture.minimal).write(toFile: config, atomically: true, encoding: .utf8)
        let warned = ConfigCheck.run(configPath: config, directoryState: { $0 == "/run/tierd" ? .missing : .directory })
        #expect(warned.exitCode == 0, "\(warned.output)")
        #expect(warned.output.hasPrefix("""
            \(config):2: warning: daemon.control_socket /run/tierd/control.sock: directory /run/tierd does not exist yet; systemd creates it when it starts tierd (RuntimeDirectory=tierd), outside systemd create it first
            \(config): OK
            """), "\(warned.output)")
    }

    /// Warnings alone (here an IPv4-mapped address) keep the exit code 0; an error in the
    /// users file (here ::/0) makes it 78 and is printed with its line.
    @Test func usersFileWarningsKeepExitZeroAndErrorsDoNot() throws {
        let directoryDirectory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directoryDirectory.remove() }
        let directory = directoryDirectory.url
        let config = directory.appendingPathComponent("tierd.toml").path
        let users = directory.appendingPathComponent("users.csv").path
        try ConfigFixture.minimal.write(toFile: config, atomically: true, encoding: .utf8)
        try "id,addresses\nalice,::ffff:10.0.0.11\n".write(toFile: users, atomically: true, encoding: .utf8)
        let warned = ConfigCheck.run(configPath: config, directoryState: { _ in .directory })
        #expect(warned.exitCode == 0)
        #expect(warned.output.hasPrefix("\(users):2: warning: ::ffff:10.0.0.11 of user \"alice\" is an IPv4-mapped address"), "\(warned.output)")
        try "id,addresses\nalice,10.0.0.11\nbob,::/0\n".write(toFile: users, atomically: true, encoding: .utf8)
        let refused = ConfigCheck.run(configPath: config, directoryState: { _ in .directory })
        #expect(refused.exitCode == 78)
        #expect(refused.output == "\(users):3: ::/0 of user \"bob\" covers every address; list the user's own addresses or prefixes\n")
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

/// `tierd --check` on a gateway with two access sides: users per interface, and a users
/// file naming an interface the config does not have.
@Suite struct ConfigCheckInterfaceTests {
    @Test func usersAreCountedPerInterfaceAndAnUnknownOneIsAnError() throws {
        let directory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("tierd.toml").path
        let users = directory.url.appendingPathComponent("users.csv").path
        try ConfigFixture.minimal.replacingOccurrences(
            of: "interface = \"eth1\"\nusers_file = \"users.csv\"\n",
            with: "users_file = \"users.csv\"\n[[network.interface]]\nname = \"eth1\"\nifb = \"ifb1\"\n[[network.interface]]\nname = \"eth2\"\nifb = \"ifb2\"\n"
        ).write(toFile: config, atomically: true, encoding: .utf8)
        try "id,addresses,unix_user,interface\nalice,10.0.0.11,,\nbob,10.0.0.12,,eth2\ncarol,10.0.0.13,,eth1\n"
            .write(toFile: users, atomically: true, encoding: .utf8)
        let result = ConfigCheck.run(configPath: config, directoryState: { _ in .directory })
        #expect(result.exitCode == 0)
        #expect(result.output.contains("\ninterfaces eth1 (upload via ifb1, 2 users), eth2 (upload via ifb2, 1 users), floor 256kbit\n"), "\(result.output)")

        try "id,addresses,unix_user,interface\nalice,10.0.0.11,,eth3\n".write(toFile: users, atomically: true, encoding: .utf8)
        let refused = ConfigCheck.run(configPath: config, directoryState: { _ in .directory })
        #expect(refused.exitCode == 78)
        #expect(refused.output == "\(users):2: user \"alice\" names interface \"eth3\", which is not configured (interfaces: eth1, eth2)\n")
    }
}
