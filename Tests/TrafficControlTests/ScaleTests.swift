import Foundation
import Testing
import TestSupport
@testable import TrafficControl

extension KernelTests {
    @Suite("Scale")
    struct ScaleTests {
        @Test("10,000 users in both directions converge exactly, and a repeat changes nothing")
        func tenThousandUsers() throws {
            let fixture = try KernelFixture()
            let users = (0..<10_000).map { i in
                ShapedUser(id: "u\(i)", addresses: [IPPrefix("10.\(100 + i / 65536).\((i / 256) % 256).\(i % 256)")!,
                                                    IPPrefix("fd00:dd::\(String(i, radix: 16))")!],
                           download: tiers[i % 3], upload: tiers[(i + 1) % 3])
            }
            let clock = ContinuousClock()
            var report = ConvergeReport()
            let cold = try clock.measure { report = try fixture.shaper.converge(to: users) }
            #expect(report.errors == [])
            print("cold converge of 10k users, both directions: \(cold)")
            _ = try expectExact(fixture.shaper, users)
            var again = ConvergeReport()
            let warm = try clock.measure { again = try fixture.shaper.converge(to: users) }
            print("unchanged converge: \(warm)")
            #expect(again.totalChanges == 0 && again.errors.isEmpty)
        }
    }
}
