import Testing
import TestSupport
@testable import TrafficControl

extension KernelTests {
    @Suite("TC event monitor")
    struct TCEventMonitorTests {
        @Test("the shaper's own changes are not reported; a change made with tc is, with its object")
        func foreignChangesOnly() throws {
            let fixture = try KernelFixture()
            let monitor = try TCEventMonitor(namespace: fixture.network.serverNS, ignoringPorts: [fixture.shaper.netlinkPort])
            let users = makeUsers(0..<40) { i in (tiers[i % 3], tiers[(i + 1) % 3]) }
            #expect(try fixture.shaper.converge(to: users).errors == [])
            var changed = users[1]
            changed.download = tiers[4]
            #expect(try fixture.shaper.apply([changed], removing: [users[2].id]).errors == [])
            #expect(try monitor.waitForForeignChange(timeout: .milliseconds(300), settle: .milliseconds(50)) == [])

            let handle = try expectExact(fixture.shaper, [changed, users[0]] + users.dropFirst(3)).download[users[0].id]!
            _ = try fixture.network.run(fixture.network.serverNS, [
                "tc", "class", "change", "dev", fixture.network.serverInterface, "parent", TCHandle.text(handle & 0xFFFF_0000),
                "classid", TCHandle.text(handle), "htb", "rate", "1mbit",
            ])
            let events = try monitor.waitForForeignChange(timeout: .seconds(2), settle: .milliseconds(50))
            let classEvent = events.first { $0.kind == .classAdded && $0.handle == handle }
            #expect(classEvent != nil, "\(events)")
            #expect(classEvent.map(fixture.shaper.concerns) == true)
            #expect(classEvent?.port != fixture.shaper.netlinkPort)
        }
    }
}
