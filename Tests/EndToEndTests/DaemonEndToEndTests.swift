import Foundation
import Testing
import TestSupport

/// tierd as operators run it: the built binaries, a config, a users file and a feed file,
/// in network namespaces made for the test. Observed through `tierctl` and the kernel.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct DaemonEndToEndTests {
    @Test func feedFileChangesTierInKernelAndStatusAndSurvivesRestart() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        let ctl = daemon.ctl

        var alice = try statusJSON(ctl, user: "alice")
        #expect(alice["tier"] as? String == "full")
        #expect(alice["download"] is NSNull)

        try daemon.appendFeed(#"{"user":"alice","score":600,"reason":"test"}"# + "\n")
        #expect(try eventually { try statusJSON(ctl, user: "alice")["tier"] as? String == "reduced" }, "log: \(daemon.log)")
        alice = try statusJSON(ctl, user: "alice")
        #expect(alice["download"] as? Int == 20_000_000)
        #expect(alice["upload"] as? Int == 5_000_000)
        let reducedClasses = try daemon.net.run(daemon.net.serverNS, ["tc", "class", "show", "dev", daemon.net.serverInterface])
        #expect(reducedClasses.contains("rate 20Mbit"), "kernel classes: \(reducedClasses)")

        // A partial line waits for its newline; then the change applies.
        try daemon.appendFeed(#"alice,1"#)
        try daemon.appendFeed("00\n")
        #expect(try eventually { try statusJSON(ctl, user: "alice")["tier"] as? String == "minimal" })
        let handleBefore = try classHandle(daemon.net, rate: "2Mbit")
        #expect(handleBefore != nil, "no 2Mbit class for alice")

        // SIGTERM: graceful, shaping left in place.
        #expect(daemon.stop() == 0, "log: \(daemon.log)")
        #expect(try classHandle(daemon.net, rate: "2Mbit") == handleBefore)

        // Restart: state restored, the same class adopted (not re-created).
        try daemon.launch()
        #expect(try eventually { try tierctl(ctl + ["health"]).status == 0 })
        #expect(try statusJSON(ctl, user: "alice")["tier"] as? String == "minimal")
        #expect(try classHandle(daemon.net, rate: "2Mbit") == handleBefore)

        // Unknown user in status: a clear failure, exit 1.
        #expect(try tierctl(ctl + ["status", "mallory"]).status == 1)
    }

    @Test func checkReportsEveryConfigErrorWithLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/bad.toml"
        try """
            [daemon]
            state_dir = "\(dir.path)"
            bogus = 1

            [network]
            interface = "eth9"
            users_file = "users.csv"

            [[tier]]
            name = "full"
            min_score = 800
            """.write(toFile: path, atomically: true, encoding: .utf8)
        try "id,addresses,unix_user\n".write(toFile: dir.path + "/users.csv", atomically: true, encoding: .utf8)
        let result = try runProcess(BuiltProducts.tierd, ["--config", path, "--check"])
        #expect(result.status == 78)
        #expect(result.output.contains("\(path):3:"), "output: \(result.output)")
    }

    /// What `--check` reports, a start refuses too, with 78 before touching anything: the
    /// unit has no ExecStartPre=--check (RestartPreventExitStatus= covers the main process only).
    @Test func startWithoutSocketDirectoryExits78() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/nosocketdir.toml"
        try """
            [daemon]
            state_dir = "\(dir.path)"
            control_socket = "\(dir.path)/missing/control.sock"

            [network]
            interface = "tierdt-nodev"
            users_file = "users.csv"

            [[tier]]
            name = "full"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        try "id,addresses,unix_user\n".write(toFile: dir.path + "/users.csv", atomically: true, encoding: .utf8)
        let result = try runProcess(BuiltProducts.tierd, ["--config", path])
        #expect(result.status == 78)
        #expect(result.output.contains("\(path):3:") && result.output.contains("does not exist"), "output: \(result.output)")
    }

    private func statusJSON(_ ctl: [String], user: String) throws -> [String: Any] {
        let result = try tierctl(ctl + ["status", user, "--json"])
        guard result.status == 0, let data = result.output.data(using: .utf8),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return (object["status"] as? [String: Any]) ?? object
    }

    /// The handle of the download class with the given rate, as the kernel reports it.
    private func classHandle(_ net: TestNetwork, rate: String) throws -> String? {
        let text = try net.run(net.serverNS, ["tc", "class", "show", "dev", net.serverInterface])
        for line in text.split(separator: "\n") where line.contains("rate \(rate)") {
            let words = line.split(separator: " ")
            if words.count > 2 { return String(words[2]) }
        }
        return nil
    }
}
