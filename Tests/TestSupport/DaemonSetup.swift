import Foundation

/// Config, users file and feed file for one daemon under test: users alice, bob and carol,
/// and the tiers full (>= 800, unthrottled, the default), reduced (>= 500, 20/5 Mbit) and
/// minimal (the catch-all, 2/1 Mbit), so a user moving minimal -> reduced -> full has their
/// kernel class created, changed in place, then removed. Floor 256 kbit, reconcile every
/// 30 s, the feed file and the feed socket both on.
public struct DaemonSetup: Sendable {
    public let directory: String
    public var configPath: String { directory + "/tierd.toml" }
    public var controlSocket: String { directory + "/control.sock" }
    public var feedPath: String { directory + "/scores.jsonl" }

    public init(directory: String, interface: String, scoring: ScoringSettings = .exact) throws {
        self.directory = directory
        try """
            [daemon]
            control_socket = "\(directory)/control.sock"
            state_dir = "\(directory)/state"
            reconcile_interval = "30s"

            [feed]
            file = "\(directory)/scores.jsonl"
            socket = "\(directory)/feed.sock"
            stale_after = "\(scoring.staleAfter)"

            [scoring]
            baseline = 1000
            half_life = "\(scoring.halfLife)"
            hysteresis = \(scoring.hysteresis)
            min_dwell = "\(scoring.minDwell)"
            default_tier = "full"

            [network]
            interface = "\(interface)"
            ifb = "ifb-tierdt"
            users_file = "users.csv"
            floor = "256kbit"

            [[tier]]
            name = "full"
            min_score = 800

            [[tier]]
            name = "reduced"
            min_score = 500
            download = "20mbit"
            upload = "5mbit"

            [[tier]]
            name = "minimal"
            download = "2mbit"
            upload = "1mbit"
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        try """
            id,addresses,unix_user
            alice,10.98.0.11 fd98::11,
            bob,10.98.0.12/32,
            carol,10.98.1.0/30 fd98:1::/64,

            """.write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: feedPath, contents: nil)
    }

    public func appendFeed(_ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: feedPath))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

extension DaemonSetup {
    /// Adds a `[network]` setting (after the floor, which DaemonSetup always writes).
    public func addNetworkSetting(_ line: String) throws {
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: #"floor = "256kbit""#, with: "floor = \"256kbit\"\n\(line)")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Rewrites the config's reconcile interval (DaemonSetup writes "30s").
    public func setReconcileInterval(_ value: String) throws {
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: #"reconcile_interval = "30s""#, with: #"reconcile_interval = "\#(value)""#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
    }
}
