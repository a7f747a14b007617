import Control
import Foundation
import Testing
import TestSupport

/// `plan`: its request and reply on the wire, the limits on what it carries, its rendering,
/// and `tierctl plan` against a canned daemon.
struct PlanTests {
    @Test func requestCarriesTheFilesByContent() throws {
        let request = ControlRequest.plan(PlanInput(config: .init(path: "/tmp/n.toml", text: "[daemon]\n"),
                                                    users: .init(path: "/tmp/u.csv", text: "id,addresses\n")))
        let line = try ControlWire.encodeLine(request)
        #expect(line == #"{"cmd":"plan","plan":{"config":{"path":"/tmp/n.toml","text":"[daemon]\n"},"users":{"path":"/tmp/u.csv","text":"id,addresses\n"}}}"#)
        #expect(try ControlWire.decode(ControlRequest.self, from: line) == request)
        try request.validate()
    }

    @Test func planWithoutFilesOrOverTheLimitIsABadRequest() throws {
        #expect(throws: ControlError.self) { try ControlWire.decode(ControlRequest.self, from: #"{"cmd":"plan"}"#).validate() }
        let big = String(repeating: "#", count: PlanInput.maximumFileBytes + 1)
        let error = #expect(throws: ControlError.self) {
            try ControlRequest.plan(PlanInput(config: .init(path: "/tmp/big.toml", text: big))).validate()
        }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("/tmp/big.toml") == true)
    }

    @Test func replyRoundTripsAndTellsPlanFromReload() throws {
        for reply in [ControlReply.plan(Fixtures.plan), .reloaded(Fixtures.plan)] {
            let line = try ControlWire.encodeLine(reply)
            #expect(try ControlWire.decode(ControlReply.self, from: line) == reply)
        }
        let line = try ControlWire.encodeLine(ControlReply.reloaded(Fixtures.plan))
        #expect(line.hasPrefix(#"{"ok":true,"reload":{"kernel":{"classes_changed":1,"classes_created":2,"#), "\(line)")
    }

    @Test func renderingNamesMovesCountsAndOperations() {
        let text = ReloadReportText.render(Fixtures.plan, planned: true)
        #expect(text == """
            tiers: 2 users would move
              alice: full -> reduced (threshold, score 640)
              dave: (new user) -> full (added)
            kernel: 2 classes created, 1 changed; 2 qdiscs created; 4 map entries set, 1 deleted
              change class 7200:3 (parent 7200:) on eth1
              create class 7201:1 (parent 7201:) on eth1
              ... and 8 more

            """)
    }

    @Test func renderingSaysWhatNeedsARestartAndWhenNothingChanges() {
        let restart = ReloadReport(moves: [], restartRequired: ["network.interface"], kernel: nil)
        #expect(ReloadReportText.render(restart, planned: true) == """
            restart required for: network.interface
              a reload would be refused and change nothing; restart tierd to apply these
            tiers: no user changes tier

            """)
        let nothing = ReloadReport(moves: [], kernel: KernelChanges())
        #expect(ReloadReportText.render(nothing, planned: false) == "tiers: no user changes tier\nkernel: nothing to change\n")
    }

    @Test func fileOverTheLimitOrMissingIsRefusedBeforeSending() throws {
        let directory = try TemporaryDirectory(prefix: "tierd-plan")
        defer { directory.remove() }
        let big = directory.path + "/big.toml"
        try Data(count: PlanInput.maximumFileBytes + 1).write(to: URL(fileURLWithPath: big))
        #expect(throws: PlanInputError.self) { try PlanInput.read(configPath: big, usersPath: nil) }
        let missing = #expect(throws: PlanInputError.self) { try PlanInput.read(configPath: directory.path + "/none.toml", usersPath: nil) }
        #expect(missing?.reason == "No such file or directory")
        let good = directory.path + "/t.toml"
        try "[daemon]\n".write(toFile: good, atomically: true, encoding: .utf8)
        let input = try PlanInput.read(configPath: good, usersPath: nil)
        #expect(input.config == .init(path: good, text: "[daemon]\n"))
        #expect(input.users == nil)
    }
}
