import Foundation
import Testing
@testable import TierDaemon

/// Shared fixtures for the config and users-file tests.
enum ConfigFixture {
    /// The config path used in messages; nothing is read from it.
    static let path = "/etc/tierd/tierd.toml"

    /// The smallest valid config; tests append or replace lines to break one thing.
    static let minimal = """
        [network]
        interface = "eth1"
        users_file = "users.csv"

        [[tier]]
        name = "full"
        min_score = 800

        [[tier]]
        name = "minimal"
        download = "2mbit"
        upload = "1mbit"

        """

    /// The repository's `config/` directory, found from this source file.
    static var exampleDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config")
    }

    /// Every error of `text` as printed by `tierd --check`; empty when it loads.
    static func errors(_ text: String, path: String = path) -> [String] {
        do {
            _ = try ConfigLoader.parse(text: text, path: path)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    static func load(_ text: String, path: String = path) throws -> DaemonConfiguration {
        try ConfigLoader.parse(text: text, path: path)
    }
}

@Suite struct ConfigFixtureTests {
    @Test func minimalFixtureIsValid() throws {
        #expect(ConfigFixture.errors(ConfigFixture.minimal) == [])
    }
}
