import Foundation
import Glibc
import Testing
import TestSupport

/// `tierctl top` in a real terminal (tmux), against a daemon in namespaces with one user's
/// download running: its row shows the shaped rate, the keys sort and filter, and q and
/// Ctrl-C leave with the terminal restored (the alternate screen gone, exit status 0).
@Suite(.serialized, .enabled(if: isRoot() && FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"),
                             "needs root for namespaces, and tmux"))
struct TopEndToEndTests {
    /// A tmux server of the test's own (its own socket), so nothing touches the user's sessions.
    /// The socket is a path in the temporary directory (`-S`), not a name (`-L`), which would
    /// leave a `tmux-UID` directory behind in /tmp.
    struct Tmux {
        let socket = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("tierdt-top-\(UInt32.random(in: 0..<UInt32.max)).sock").path
        let session = "top"

        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            try CommandRunner.run(["tmux", "-S", socket] + arguments)
        }

        /// Starts the server with `command` in a detached session. The server must not
        /// inherit any of the test process's pipes (Foundation leaves them open in children):
        /// it would keep them open, and reading a helper's output to its end would never
        /// return. So every descriptor above stderr is closed first, and the standard ones
        /// go to /dev/null.
        func start(_ command: String, width: Int, height: Int) throws {
            let quoted = "'" + command.replacingOccurrences(of: "'", with: "'\\''") + "'"
            let script = #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; "#
                + "exec tmux -S \(socket) new-session -d -s \(session) -x \(width) -y \(height) \(quoted) </dev/null >/dev/null 2>&1"
            try CommandRunner.run(["bash", "-c", script])
        }

        func screen() -> [String] {
            ((try? run(["capture-pane", "-p", "-t", session])) ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }

        func keys(_ keys: String...) throws {
            try run(["send-keys", "-t", session] + keys)
        }

        /// Ends everything the test started in tmux. kill-server alone is not enough here:
        /// it answers and leaves the server and the pane's shell running, so the pane's
        /// process group and the server are killed by pid, and the socket file removed.
        func kill() {
            let panes = ((try? run(["list-panes", "-s", "-F", "#{pane_pid}"])) ?? "").split(separator: "\n").compactMap { pid_t($0) }
            let server = (try? run(["display-message", "-p", "#{pid}"])).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let path = (try? run(["display-message", "-p", "#{socket_path}"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
            for pid in panes {
                Glibc.kill(-pid, SIGKILL)
                Glibc.kill(pid, SIGKILL)
            }
            _ = try? run(["kill-server"])
            if let server { Glibc.kill(server, SIGKILL) }
            if let path, !path.isEmpty { unlink(path) }
        }
    }

    @Test func liveRowsSortFilterAndQuit() throws {
        let net = try TestNetwork.make(users: 1)
        defer { net.destroy() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let setup = try DaemonSetup(directory: dir.path, interface: net.serverInterface)
        try """
            id,addresses,unix_user
            alice,\(net.userIPv4(0)),
            bob,10.98.0.12,
            carol,10.98.0.13,

            """.write(toFile: dir.path + "/users.csv", atomically: true, encoding: .utf8)
        try setup.appendFeed("alice,300\nbob,600\n")
        let daemon = try DaemonProcess(configPath: setup.configPath, namespace: net.serverNS, logPath: dir.path + "/tierd.log")
        defer { daemon.stop() }
        let ctl = BuiltProducts.tierctl + " --socket " + setup.controlSocket
        #expect(try eventually(timeout: 20) { try tierctl(["--socket", setup.controlSocket, "health"]).status == 0 }, "\(daemon.log)")

        let server = try net.start(net.serverNS, ["iperf3", "-s"])
        defer { server.stop() }
        #expect(try eventually { try net.run(net.serverNS, ["ss", "-ltn"]).contains(":5201") })
        // alice (minimal: 2 Mbit/s down) downloads for the whole test.
        let download = try net.start(net.clientNS, ["iperf3", "-c", net.serverIPv4, "-B", net.userIPv4(0), "-R", "-t", "60"])
        defer { download.stop() }

        let tmux = Tmux()
        defer { tmux.kill() }
        let top = "\(ctl) top --interval 1"
        try tmux.start("sh -c 'trap : INT; \(top); echo EXIT=$?; read next; \(top); echo EXIT2=$?; sleep 120'", width: 160, height: 40)

        // The first row (download order) is alice at her tier's rate.
        var rows: [[String]] = []
        let shaped = eventually(timeout: 20) {
            rows = Self.rows(tmux.screen())
            guard let first = rows.first, first.count >= 3, first[0] == "alice", first[1] == "minimal" else { return false }
            return Self.megabits(first[2]).map { (1.0...2.5).contains($0) } ?? false
        }
        #expect(shaped, "screen: \(tmux.screen().joined(separator: "\n"))")
        #expect(tmux.screen().first?.hasPrefix("tierctl top  every 1s  rates over ") == true, "\(tmux.screen().first ?? "")")
        #expect(rows.map { $0[0] }.sorted() == ["alice", "bob", "carol"])
        #expect(tmux.screen().allSatisfy { $0.count <= 160 })

        // t: by tier name (full, minimal, reduced).
        try tmux.keys("t")
        #expect(eventually { Self.rows(tmux.screen()).map { $0[0] } == ["carol", "alice", "bob"] },
                "screen: \(tmux.screen().joined(separator: "\n"))")
        // /bo Enter: only bob.
        try tmux.keys("/", "bo", "Enter")
        #expect(eventually { Self.rows(tmux.screen()).map { $0[0] } == ["bob"] }, "screen: \(tmux.screen().joined(separator: "\n"))")

        // q: back to the normal screen, exit 0.
        try tmux.keys("q")
        #expect(eventually { tmux.screen().contains("EXIT=0") }, "screen: \(tmux.screen().joined(separator: "\n"))")
        #expect(!tmux.screen().contains { $0.hasPrefix("USER ") }, "the alternate screen was left")
        // Ctrl-C (SIGINT) in the second run (Enter starts it): the same.
        try tmux.keys("Enter")
        #expect(eventually(timeout: 10) { tmux.screen().contains { $0.hasPrefix("USER ") } })
        try tmux.keys("C-c")
        #expect(eventually { tmux.screen().contains("EXIT2=0") }, "screen: \(tmux.screen().joined(separator: "\n"))")
        #expect(!tmux.screen().contains { $0.hasPrefix("USER ") }, "screen: \(tmux.screen().joined(separator: "\n"))")
    }

    @Test func onceJSONMeasuresBetweenTwoSamples() throws {
        let run = try DaemonFixture()
        defer { run.tearDown() }
        try run.start()
        #expect(try run.push(["alice", "300"]).status == 0)
        let result = try tierctl(run.ctl + ["top", "--once", "--json", "--interval", "0.6", "--sort", "name"])
        #expect(result.status == 0, "\(result.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect((object["interval"] as? Double ?? 0) >= 0.3)
        let users = try #require(object["users"] as? [[String: Any]])
        #expect(users.map { $0["user"] as? String } == ["alice", "bob", "carol"])
        #expect(users[0]["tier"] as? String == "minimal")
        #expect(users[0]["download"] as? Int == 0, "no traffic, but a class")
        #expect(users[1]["download"] is NSNull, "bob is unthrottled: no class")
    }

    /// The table rows on screen: lines after the `USER` header, split into columns.
    static func rows(_ screen: [String]) -> [[String]] {
        guard let header = screen.firstIndex(where: { $0.hasPrefix("USER ") }) else { return [] }
        return screen[(header + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("d/u/x") }
            .map { $0.split(separator: " ").map(String.init) }
    }

    /// `1.95Mbit` -> 1.95, `900Kbit` -> 0.9.
    static func megabits(_ text: String) -> Double? {
        if text.hasSuffix("Mbit") { return Double(text.dropLast(4)) }
        if text.hasSuffix("Kbit") { return Double(text.dropLast(4)).map { $0 / 1000 } }
        return nil
    }
}
