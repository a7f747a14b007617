import Control
import Foundation
import Testing

/// Exact wire shapes (the external contract) and Codable round trips.
@Suite struct ProtocolCodingTests {
    private func line<T: Encodable>(_ value: T) throws -> String { try ControlWire.encodeLine(value) }

    @Test func requestsOmitAbsentFieldsAndUseContractKeys() throws {
        #expect(try line(ControlRequest.status()) == #"{"cmd":"status"}"#)
        #expect(try line(ControlRequest.status(user: "alice")) == #"{"cmd":"status","user":"alice"}"#)
        #expect(try line(ControlRequest.explain(user: "alice")) == #"{"cmd":"explain","user":"alice"}"#)
        #expect(try line(ControlRequest.override(user: "alice", tier: "full", duration: "2h", reason: "vip"))
            == #"{"cmd":"override","for":"2h","reason":"vip","tier":"full","user":"alice"}"#)
        #expect(try line(ControlRequest.clear(user: "alice")) == #"{"cmd":"clear","user":"alice"}"#)
        #expect(try line(ControlRequest.reload) == #"{"cmd":"reload"}"#)
        #expect(try line(ControlRequest.metrics) == #"{"cmd":"metrics"}"#)
        #expect(try line(ControlRequest.health) == #"{"cmd":"health"}"#)
    }

    @Test func requestsDecodeFromContractExamples() throws {
        let override = try ControlWire.decode(
            ControlRequest.self, from: #"{"cmd":"override","user":"alice","tier":"full","for":"2h","reason":"..."}"#)
        #expect(override == .override(user: "alice", tier: "full", duration: "2h", reason: "..."))
        #expect(try ControlWire.decode(ControlRequest.self, from: #"{"cmd":"status"}"#) == .status())
        #expect(throws: DecodingError.self) { try ControlWire.decode(ControlRequest.self, from: #"{"cmd":"reboot"}"#) }
        #expect(throws: DecodingError.self) { try ControlWire.decode(ControlRequest.self, from: #"{"user":"alice"}"#) }
    }

    @Test func requestValidationNamesTheMissingField() {
        #expect(throws: ControlError(code: .badRequest, message: #"explain needs "user""#)) {
            try ControlRequest(command: .explain).validate()
        }
        #expect(throws: ControlError(code: .badRequest, message: #"override needs "tier""#)) {
            try ControlRequest(command: .override, user: "alice").validate()
        }
        #expect(throws: ControlError.self) { try ControlRequest(command: .clear, user: "").validate() }
        #expect(throws: Never.self) { try ControlRequest.status().validate() }
        #expect(throws: Never.self) { try ControlRequest.override(user: "a", tier: "full").validate() }
    }

    @Test func userStatusCarriesNullsForUnthrottledAndNoOverride() throws {
        var unthrottled = Fixtures.alice
        unthrottled.download = nil
        unthrottled.upload = nil
        #expect(try line(unthrottled) == """
            {"addresses":["10.0.0.11","2001:db8::11"],"download":null,"override":null,"rule":"score 640 < 800 (full)",\
            "score":640,"since":"2026-11-27T05:00:00Z","tier":"reduced","upload":null,"user":"alice"}
            """)
    }

    @Test func userStatusNamesItsInterfaceWhenKnown() throws {
        var status = Fixtures.alice
        status.interface = "eth2"
        let encoded = try line(status)
        #expect(encoded.contains(#""interface":"eth2""#))
        #expect(try JSONDecoder().decode(UserStatus.self, from: Data(encoded.utf8)) == status)
        #expect(try !line(Fixtures.alice).contains("interface"), "a status without one reads as before")
    }

    @Test func overrideShowsUntilAndReasonAsNullWhenAbsent() throws {
        #expect(try line(OverrideStatus(tier: "full")) == #"{"reason":null,"tier":"full","until":null}"#)
        #expect(try line(OverrideStatus(tier: "full", until: Fixtures.morning, reason: "x"))
            == #"{"reason":"x","tier":"full","until":"2026-11-27T05:00:00Z"}"#)
    }

    @Test func replyShapes() throws {
        #expect(try line(ControlReply.done) == #"{"ok":true}"#)
        #expect(try line(ControlReply.metrics("a 1\n")) == #"{"metrics":"a 1\n","ok":true}"#)
        #expect(try line(ControlReply.error(.forbidden, "no")) == #"{"error":{"code":"forbidden","message":"no"},"ok":false}"#)
        #expect(try line(ControlReply.error(.configError, "2 errors", details: ["a.toml:3: x", "a.toml:9: y"]))
            == #"{"error":{"code":"config_error","details":["a.toml:3: x","a.toml:9: y"],"message":"2 errors"},"ok":false}"#)
        #expect(try line(ControlReply.users([])) == #"{"ok":true,"users":[]}"#)
        #expect(try line(ControlReply.status(Fixtures.alice)).hasPrefix(#"{"ok":true,"status":{"addresses""#))
        #expect(try line(ControlReply.explanation(.object(["rule": .string("dwell")])))
            == #"{"explanation":{"rule":"dwell"},"ok":true}"#)
    }

    @Test func healthShape() throws {
        let report = HealthReport(status: .ok, kernelInSync: true, users: 3, throttled: 1,
                                  lastApply: Fixtures.morning, errors: [], feed: .object([:]))
        #expect(try line(ControlReply.health(report)) == """
            {"health":{"errors":[],"feed":{},"kernel_in_sync":true,"last_apply":"2026-11-27T05:00:00Z",\
            "status":"ok","throttled":1,"users":3},"ok":true}
            """)
        #expect(try line(Fixtures.degraded).contains(#""last_apply":null"#))
        var withInterfaces = report
        withInterfaces.interfaces = [InterfaceHealth(name: "eth1", ifb: "ifb-eth1", users: 3, throttled: 1, kernelInSync: true)]
        let encoded = try line(withInterfaces)
        #expect(encoded.contains(#""interfaces":[{"ifb":"ifb-eth1","kernel_in_sync":true,"name":"eth1","throttled":1,"users":3}]"#))
        #expect(try JSONDecoder().decode(HealthReport.self, from: Data(encoded.utf8)) == withInterfaces)
    }

    @Test(arguments: [
        ControlReply.users([Fixtures.alice, Fixtures.bob]),
        .status(Fixtures.bob),
        .explanation(.object(["score": .number(640.5), "steps": .array([.string("a"), .null, .bool(true), .integer(-3)])])),
        .health(Fixtures.degraded),
        .metrics("# TYPE tierd_users gauge\ntierd_users 2\n"),
        .done,
        .error(.unknownUser, "no user ghost"),
        .error(.configError, "refused", details: ["x:1: bad"]),
    ])
    func repliesRoundTrip(_ reply: ControlReply) throws {
        #expect(try ControlWire.decode(ControlReply.self, from: line(reply)) == reply)
    }

    @Test func unknownErrorCodesAndExtraKeysStillDecode() throws {
        let reply = try ControlWire.decode(
            ControlReply.self, from: #"{"ok":false,"error":{"code":"busy","message":"later"},"retry":3}"#)
        #expect(reply == .error(ControlErrorCode(rawValue: "busy"), "later"))
        #expect(try ControlWire.decode(ControlReply.self, from: #"{"ok":true,"message":"reloaded"}"#) == .done)
    }

    @Test func datesAcceptFractionalSecondsAndOffsets() throws {
        #expect(RFC3339.parse("2026-11-27T05:00:00Z") == Fixtures.morning)
        #expect(RFC3339.parse("2026-11-27T05:00:00.000Z") == Fixtures.morning)
        #expect(RFC3339.parse("2026-11-27T06:00:00+01:00") == Fixtures.morning)
        #expect(RFC3339.parse("yesterday") == nil)
        #expect(throws: DecodingError.self) {
            try ControlWire.decode(OverrideStatus.self, from: #"{"tier":"full","until":"soon"}"#)
        }
    }

    @Test func jsonValueKeepsIntegersApartFromFractions() throws {
        let value = try ControlWire.decode(JSONValue.self, from: #"{"a":640,"b":0.5,"c":"x","d":[true,null]}"#)
        #expect(value == .object(["a": .integer(640), "b": .number(0.5), "c": .string("x"), "d": .array([.bool(true), .null])]))
        #expect(value["a"] == .integer(640))
        #expect(try ControlWire.decode(JSONValue.self, from: "[1,0,true]") == .array([.integer(1), .integer(0), .bool(true)]))
        #expect(try ControlWire.decode(JSONValue.self, from: "-7") == .integer(-7))
        // Out of range: refused or a double, never another kind of value.
        let huge = try? ControlWire.decode(JSONValue.self, from: "1e400")
        #expect(huge == nil || huge?.isNumber == true)
        #expect(try line(value) == #"{"a":640,"b":0.5,"c":"x","d":[true,null]}"#)
    }

    @Test func feedPushShapes() throws {
        #expect(try line(FeedPushEvent(user: "alice", score: 640)) == #"{"score":640,"user":"alice"}"#)
        #expect(try line(FeedPushEvent(user: "alice", delta: -40, reason: "abuse-report"))
            == #"{"delta":-40,"reason":"abuse-report","user":"alice"}"#)
        let reply = try ControlWire.decode(
            FeedPushReply.self, from: #"{"accepted":1,"rejected":1,"errors":[{"line":2,"reason":"bad score"}]}"#)
        #expect(reply == FeedPushReply(accepted: 1, rejected: 1, errors: [.init(line: 2, reason: "bad score")]))
    }
}

extension JSONValue {
    var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
}
