import Foundation
import Testing
import TestSupport
@testable import TierDaemon

/// The files shipped in `config/` must load clean, so the examples never rot.
@Suite struct ConfigExampleFilesTests {
    let directory = ConfigFixture.exampleDirectory

    @Test func productionExampleLoadsWithDesignValues() throws {
        let configuration = try ConfigLoader.load(path: directory.appendingPathComponent("tierd.toml").path)
        #expect(configuration.network.interface == "eth1")
        #expect(configuration.network.usersFile == "/etc/tierd/users.csv")
        #expect(configuration.daemon.adminGroup == "tierd")
        #expect(configuration.feed.staleAfter == 900)
        #expect(configuration.feed.maxFutureSkew == 300)
        #expect(configuration.tiers.map(\.name) == ["full", "reduced", "minimal"])
        #expect(configuration.tiers.map(\.download) == [nil, 20_000_000, 2_000_000])
        #expect(configuration.tiers.map(\.upload) == [nil, 5_000_000, 1_000_000])
    }

    @Test func exampleUsersFileLoads() throws {
        let records = try UsersFileLoader.load(path: directory.appendingPathComponent("users.csv").path)
        #expect(records.map(\.id) == ["alice", "bob", "carol", "dave@example.net"])
        #expect(records.map(\.addresses.count) == [2, 1, 2, 1])
    }

    @Test func demoConfigPassesTheFullCheck() throws {
        let path = directory.appendingPathComponent("demo.toml").path
        let configuration = try ConfigLoader.load(path: path)
        #expect(configuration.network.interface == "sub0")
        #expect(configuration.network.usersFile == directory.appendingPathComponent("demo-users.csv").path)
        #expect(configuration.feed.file == directory.appendingPathComponent("scores.jsonl").path)
        // As scripts/demo.sh runs it: /run and /var/lib paths moved into a directory of its own.
        let runDirectory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { runDirectory.remove() }
        let run = runDirectory.url
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "/run/tierd-demo", with: run.path)
            .replacingOccurrences(of: "/var/lib/tierd-demo", with: run.path + "/state")
        let rewritten = run.appendingPathComponent("tierd.toml").path
        try text.write(toFile: rewritten, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: directory.appendingPathComponent("demo-users.csv"), to: run.appendingPathComponent("demo-users.csv"))
        let result = ConfigCheck.run(configPath: rewritten)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.output.contains("users: 3 with 6 addresses"))
        // Unrewritten, its socket directory does not exist here: --check says so.
        let original = ConfigCheck.run(configPath: path)
        #expect(original.exitCode == 78)
        #expect(original.output.contains("daemon.control_socket /run/tierd-demo/control.sock: directory /run/tierd-demo does not exist"), "\(original.output)")
    }
}
