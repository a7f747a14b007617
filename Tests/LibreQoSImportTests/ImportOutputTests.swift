import LibreQoSImport
import Testing

@Suite struct ImportOutputTests {
    private let users = try! ShapedDevicesImport.convert(ShapedDevicesFixture.mixed).get().users

    @Test func writesAUsersFileWithACommentPerCircuit() {
        let text = UsersFileText.render(Array(users.prefix(2)), source: "ShapedDevices.csv")
        #expect(text == """
            # Imported from ShapedDevices.csv by `tierctl import libreqos`: one user per LibreQoS circuit.
            id,addresses
            # 968 Circle St., Gurnee, IL 60031; plan 155/20 Mbps; line 2
            10001,100.64.0.1 100.64.0.14 fdd7:b724:0:100::/56
            # 6 Littleton Drive, Ringgold, GA 30736; plan 105/18 Mbps; lines 3, 4
            2794,100.64.0.5 fdd7:b724:0:500::/56 fdd7:b724:0:600::/56 100.64.0.6

            """)
    }

    @Test func proposesOneTierPerDistinctPlanFastestFirst() {
        let proposal = TierProposal(users: users)
        #expect(proposal.tiers.map(\.name) == ["155mbit-20mbit", "105mbit-18mbit", "10500kbit-5250kbit", "2500kbit-1mbit"])
        #expect(proposal.tiers.map(\.minScore) == [750, 500, 250, nil])
        #expect(proposal.tiers.map(\.userCount) == [1, 3, 1, 1])
        let text = proposal.render(source: "ShapedDevices.csv")
        #expect(text.contains("""

            [[tier]]
            name = "10500kbit-5250kbit"    # 10.5/5.25 Mbps; 1 circuit
            min_score = 250
            download = "10500kbit"
            upload = "5250kbit"
            """))
        #expect(text.hasSuffix("""
            name = "2500kbit-1mbit"    # 2.5/1 Mbps; 1 circuit
            # no min_score: the catch-all (the slowest plan)
            download = "2500kbit"
            upload = "1mbit"

            """))
    }

    @Test func namesPlansAsTheOperatorSaysAndKeepsNamesDistinct() {
        let basic = RatePlan(download: MbpsRate("105")!, upload: MbpsRate("18")!)
        let fast = RatePlan(download: MbpsRate("155")!, upload: MbpsRate("20")!)
        let proposal = TierProposal(users: users, names: [basic: "basic", fast: "basic"])
        #expect(proposal.tiers.map(\.name) == ["basic", "plan-2", "10500kbit-5250kbit", "2500kbit-1mbit"])
    }
}
