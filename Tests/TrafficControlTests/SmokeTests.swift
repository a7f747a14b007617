import Testing
import TestSupport
@testable import TrafficControl

@Suite("Smoke", .serialized, rootOnly)
struct SmokeTests {
    @Test func prepareAndOneUser() throws {
        let fixture = try KernelFixture()
        let users = [ShapedUser(id: "alice", addresses: [IPPrefix("10.77.1.10")!, IPPrefix("fd77::1:10")!, IPPrefix("fd77:1::/64")!, IPPrefix("10.9.0.0/30")!],
                                download: 5_000_000, upload: 2_000_000)]
        let report = try fixture.shaper.converge(to: users)
        print(report)
        print(fixture.tc(["qdisc", "show"]))
        print(fixture.tc(["class", "show", "dev", fixture.network.serverInterface]))
        print(fixture.tc(["filter", "show", "dev", fixture.network.serverInterface]))
        print(fixture.tc(["filter", "show", "dev", fixture.network.serverInterface, "parent", "7200:"]))
        print(fixture.tc(["filter", "show", "dev", fixture.network.serverInterface, "ingress"]))
        let state = try fixture.shaper.readState()
        _ = state
        print("leaf", fixture.shaper.leafQdiscKind)
        let second = try fixture.shaper.converge(to: users)
        print(second)
        #expect(report.errors.isEmpty)
        #expect(second.totalChanges == 0)
    }
}
