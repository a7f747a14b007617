import Foundation
import Testing
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
        let result = ConfigCheck.run(configPath: path)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.output.contains("users: 3 with 6 addresses"))
    }
}
