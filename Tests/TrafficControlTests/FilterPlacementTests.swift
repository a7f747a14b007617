import Testing
@testable import TrafficControl

/// Where an address filter may go (`AddressFamily.placements`) and where a new one goes
/// (`FilterPlacement.choose`): pure, no kernel.
@Suite("Filter placement")
struct FilterPlacementTests {
    private func tables(_ text: String) -> [String] {
        AddressFamily.placements(of: IPPrefix(text)!).map { "\($0.table.id):\(String($0.bucket, radix: 16))" }
    }

    @Test("each prefix fits the hashed tables whose byte it covers, the most specific byte first")
    func candidates() {
        #expect(tables("10.1.2.3") == ["1:3", "2:2"])
        #expect(tables("10.1.2.4/30") == ["2:2"])
        #expect(tables("10.1.2.0/24") == ["2:2"])
        #expect(tables("10.1.0.0/16") == ["3:0"])
        // 2001:db8:a:b0c:: is 20 01 0d b8 00 0a 0b 0c ...: byte 5 is 0a, byte 6 0b, byte 7 0c.
        #expect(tables("2001:db8:a:b0c::1") == ["4:1", "5:c", "7:b", "8:a"])
        #expect(tables("2001:db8:a:b0c::/64") == ["5:c", "7:b", "8:a"])
        #expect(tables("2001:db8:a:b00::/56") == ["7:b", "8:a"])
        #expect(tables("2001:db8:a:b0::/60") == ["7:0", "8:a"])
        #expect(tables("2001:db8:a::/48") == ["8:a"])
        #expect(tables("2001:db8::/40") == ["6:0"])
    }

    @Test("a new filter goes to its preferred bucket until that holds the spill threshold, then to the next with room")
    func choice() {
        let candidates = AddressFamily.placements(of: IPPrefix("2001:db8:a:b0c::1")!)
        let threshold = FilterPlacement.spillThreshold
        func first(_ loads: [Int]) -> UInt32? {
            FilterPlacement.choose(candidates) { placement in loads[candidates.firstIndex(of: placement)!] }.first?.table.id
        }
        #expect(first([0, 0, 0, 0]) == 4)
        #expect(first([threshold - 1, 0, 0, 0]) == 4)
        #expect(first([threshold, 0, 0, 0]) == 5)
        #expect(first([threshold, threshold, 3, 0]) == 7)
        // All past the threshold: the least full, and never a full one.
        #expect(first([400, 300, 900, 301]) == 5)
        #expect(first([4095, 4095, 4095, 200]) == 8)
        #expect(FilterPlacement.choose(candidates) { _ in 4095 }.isEmpty)
    }
}
