import ArgumentParser
import Control
import Testing
@testable import tierctl

/// Every subcommand parses as the contract writes it; bad usage is exit 64.
@Suite struct TierctlParsingTests {
    private func parse<T: ParsableCommand>(_ arguments: [String], as type: T.Type) throws -> T {
        let command = try Tierctl.parseAsRoot(arguments)
        guard let typed = command as? T else {
            throw ValidationError("parsed \(Swift.type(of: command)), expected \(T.self)")
        }
        return typed
    }

    @Test func status() throws {
        let all = try parse(["status"], as: StatusCommand.self)
        #expect(all.user == nil && !all.json)
        let one = try parse(["status", "alice", "--json"], as: StatusCommand.self)
        #expect(one.user == "alice" && one.json)
    }

    @Test func socketOptionBeforeOrAfterTheSubcommand() throws {
        let before = try parse(["--socket", "/tmp/a.sock", "status"], as: StatusCommand.self)
        #expect(before.tierctl.socket == "/tmp/a.sock")
        let after = try parse(["health", "--socket", "/tmp/b.sock"], as: HealthCommand.self)
        #expect(after.tierctl.socket == "/tmp/b.sock")
        let defaulted = try parse(["metrics"], as: MetricsCommand.self)
        #expect(defaulted.tierctl.socket == "/run/tierd/control.sock")
        #expect(defaulted.tierctl.client.timeout == .seconds(10))
    }

    @Test func explain() throws {
        let command = try parse(["explain", "alice", "--json"], as: ExplainCommand.self)
        #expect(command.user == "alice" && command.json)
    }

    @Test func override() throws {
        let command = try parse(["override", "alice", "full", "--for", "2h", "--reason", "ticket 42"], as: OverrideCommand.self)
        #expect(command.user == "alice" && command.tier == "full")
        #expect(command.duration == "2h" && command.reason == "ticket 42")
        let permanent = try parse(["override", "bob", "minimal"], as: OverrideCommand.self)
        #expect(permanent.duration == nil && permanent.reason == nil)
    }

    @Test func clearReloadMetricsHealth() throws {
        #expect(try parse(["clear", "alice"], as: ClearCommand.self).user == "alice")
        _ = try parse(["reload"], as: ReloadCommand.self)
        _ = try parse(["metrics"], as: MetricsCommand.self)
        #expect(try parse(["health", "--json"], as: HealthCommand.self).json)
    }

    @Test func push() throws {
        let set = try parse(["push", "alice", "640"], as: PushCommand.self)
        #expect(set.event == FeedPushEvent(user: "alice", score: 640))
        #expect(set.feedSocket == nil, "asked of the daemon at run time")
        let negative = try parse(["push", "alice", "--delta", "-40", "--reason", "abuse"], as: PushCommand.self)
        #expect(negative.event == FeedPushEvent(user: "alice", delta: -40, reason: "abuse"))
        let equals = try parse(["push", "alice", "--delta=15", "--feed-socket", "/tmp/f.sock"], as: PushCommand.self)
        #expect(equals.event == FeedPushEvent(user: "alice", delta: 15))
        #expect(equals.feedSocket == "/tmp/f.sock")
    }

    @Test(arguments: [
        ["frobnicate"],
        ["explain"],
        ["override", "alice"],
        ["override", "alice", "full", "--for", "2 hours"],
        ["override", "alice", "full", "--for", "h"],
        ["clear"],
        ["push", "alice"],
        ["push", "alice", "640", "--delta", "5"],
        ["push", "alice", "lots"],
        ["push", "alice", "640", "--reason", "why"],
        ["status", "alice", "bob"],
        ["reload", "now"],
        ["health", "--verbose"],
        ["--timeout", "0", "status"],
    ])
    func badUsageExits64(_ arguments: [String]) {
        do {
            let command = try Tierctl.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed as \(command)")
        } catch {
            #expect(Tierctl.exitCode(for: error).rawValue == 64, "\(arguments)")
        }
    }

    @Test func versionExitsZeroAndHelpListsEverySubcommand() {
        do {
            _ = try Tierctl.parseAsRoot(["--version"])
            Issue.record("--version did not exit")
        } catch {
            #expect(Tierctl.exitCode(for: error).rawValue == 0)
        }
        let help = Tierctl.helpMessage()
        for name in ["status", "explain", "override", "clear", "push", "reload", "metrics", "health", "--socket"] {
            #expect(help.contains(name), "\(name)")
        }
        #expect(Tierctl.helpMessage(for: PushCommand.self).contains("--feed-socket"))
    }

    /// tierctl checks durations with the daemon's own grammar (a bare number is seconds).
    @Test(arguments: ["90s", "2h", "1h30m", "500ms", "1d", "0.5h", "2"])
    func durationsAccepted(_ text: String) { #expect(DurationParser.parse(text) != nil) }

    @Test(arguments: ["", "h", "2x", "-1h", "2 h", "1.2.3s", "2hh"])
    func durationsRejected(_ text: String) { #expect(DurationParser.parse(text) == nil) }
}
