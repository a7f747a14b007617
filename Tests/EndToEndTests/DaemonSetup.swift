import Foundation
import Testing
import TestSupport

/// Config, users file and feed file for one daemon under test.
struct DaemonSetup {
    let directory: String
    var configPath: String { directory + "/tierd.toml" }
    var controlSocket: String { directory + "/control.sock" }
    var feedPath: String { directory + "/scores.jsonl" }

    init(directory: String, interface: String, scoring: ScoringSettings = .exact) throws {
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

    func appendFeed(_ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: feedPath))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
