import Testing
@testable import TierDaemon

/// `[[network.interface]]`: the list form for a gateway with several access sides, next to
/// the single `[network] interface`/`ifb` form it must not disturb.
@Suite struct InterfaceListConfigTests {
    let file = ConfigFixture.path

    /// `[network]` on lines 1-2, then the given `[[network.interface]]` text from line 3 on,
    /// then the tiers.
    private func config(_ interfaces: String, network: String = "") -> String {
        "[network]\nusers_file = \"users.csv\"\n" + network + interfaces + "\n"
            + ConfigFixture.minimal.replacingOccurrences(of: "[network]\ninterface = \"eth1\"\nusers_file = \"users.csv\"\n", with: "")
    }

    private let two = """
        [[network.interface]]
        name = "eth1"
        ifb = "ifb-eth1"
        [[network.interface]]
        name = "eth2"
        ifb = "ifb-eth2"
        """

    @Test func severalInterfacesAreReadInOrder() throws {
        let network = try ConfigFixture.load(config(two)).network
        #expect(network.interfaces == [InterfaceSection(name: "eth1", ifb: "ifb-eth1"), InterfaceSection(name: "eth2", ifb: "ifb-eth2")])
        #expect(network.interface == "eth1" && network.ifb == "ifb-eth1", "the first one stands for the single form")
        #expect(network.devices == ["eth1", "ifb-eth1", "eth2", "ifb-eth2"])
    }

    @Test func oneListEntryIsTheSingleForm() throws {
        let list = try ConfigFixture.load(config("[[network.interface]]\nname = \"eth1\"\n")).network
        let single = try ConfigFixture.load(ConfigFixture.minimal).network
        #expect(list == single)
        #expect(list.interfaces == [InterfaceSection(name: "eth1", ifb: "ifb-tierd")])
    }

    @Test func singleFormIsUnchanged() throws {
        let text = ConfigFixture.minimal.replacingOccurrences(of: "interface = \"eth1\"\n", with: "interface = \"eth1\"\nifb = \"ifb0\"\n")
        #expect(try ConfigFixture.load(text).network.interfaces == [InterfaceSection(name: "eth1", ifb: "ifb0")])
    }

    @Test func mixingTheFormsIsAnErrorAtItsLine() {
        #expect(ConfigFixture.errors(config(two, network: "ifb = \"ifb-x\"\n")) == [
            "\(file):3: network.ifb cannot be combined with [[network.interface]]: give each interface its own ifb",
        ])
        #expect(ConfigFixture.errors(config(two, network: "interface = \"eth0\"\n")) == [
            "\(file):4: syntax error: Error while parsing table header: cannot redefine existing string 'network.interface' as array-of-tables (column 1)"
                + "; write either interface/ifb in [network] or [[network.interface]] entries, not both",
        ])
    }

    @Test func withSeveralEachNamesItsIFB() {
        let text = config("[[network.interface]]\nname = \"eth1\"\n[[network.interface]]\nname = \"eth2\"\nifb = \"ifb-eth2\"\n")
        #expect(ConfigFixture.errors(text) == [
            "\(file):3: [[network.interface]] \"eth1\" needs an ifb: with several interfaces each names its own",
        ])
    }

    @Test func namesAndIFBsAreUniqueAndDistinct() {
        let duplicate = two.replacingOccurrences(of: "name = \"eth2\"", with: "name = \"eth1\"")
        #expect(ConfigFixture.errors(config(duplicate)) == [
            "\(file):7: network.interface.name \"eth1\" is listed twice (first at line 4)",
        ])
        let shared = two.replacingOccurrences(of: "ifb = \"ifb-eth2\"", with: "ifb = \"ifb-eth1\"")
        #expect(ConfigFixture.errors(config(shared)) == [
            "\(file):8: network.interface.ifb \"ifb-eth1\" is already the ifb of another interface (line 5); each interface needs its own",
        ])
        let crossed = two.replacingOccurrences(of: "ifb = \"ifb-eth2\"", with: "ifb = \"eth1\"")
        #expect(ConfigFixture.errors(config(crossed)) == [
            "\(file):8: network.interface.ifb \"eth1\" is also an interface (line 4); an ifb must be a device of its own",
        ])
        let own = "[[network.interface]]\nname = \"eth1\"\nifb = \"eth1\"\n"
        #expect(ConfigFixture.errors(config(own)) == [
            "\(file):5: network.interface.ifb \"eth1\" is also an interface (line 4); an ifb must be a device of its own",
        ])
    }

    @Test func eachEntryIsCheckedAtItsLines() {
        let text = config("""
            [[network.interface]]
            ifb = "ifb-eth1"
            [[network.interface]]
            name = "eth2:1"
            ifb = "ifb-eth2"
            [[network.interface]]
            name = "eth3"
            ifbb = "ifb-eth3"
            """)
        #expect(ConfigFixture.errors(text) == [
            "\(file):3: [[network.interface]] needs a name",
            "\(file):6: network.interface.name \"eth2:1\" is not a valid interface name (1-15 characters, no '/', ':' or whitespace)",
            "\(file):8: [[network.interface]] \"eth3\" needs an ifb: with several interfaces each names its own",
            "\(file):10: unknown key \"ifbb\" in [[network.interface]] (did you mean \"ifb\"?)",
        ])
    }

    @Test func anArrayOfStringsIsNotTheListForm() {
        let text = ConfigFixture.minimal.replacingOccurrences(of: "interface = \"eth1\"", with: "interface = [\"eth1\", \"eth2\"]")
        #expect(ConfigFixture.errors(text) == [
            "\(file):2: network.interface must be an array of tables: write [[network.interface]]",
            "\(file):2: network.interface must be an array of tables: write [[network.interface]]",
        ])
        let empty = ConfigFixture.minimal.replacingOccurrences(of: "interface = \"eth1\"", with: "interface = []")
        #expect(ConfigFixture.errors(empty) == ["\(file):2: network.interface lists no interface"])
    }

    @Test func changingTheListNeedsARestart() throws {
        let old = try ConfigFixture.load(config(two))
        var new = old
        new.network.interfaces.swapAt(0, 1)
        #expect(old.restartOnlyChanges(to: new) == ["network.interface", "network.ifb"])
        new = old
        new.network.interfaces.removeLast()
        #expect(old.restartOnlyChanges(to: new) == ["network.interface", "network.ifb"])
        new = old
        new.network.interfaces[1].ifb = "ifb-other"
        #expect(old.restartOnlyChanges(to: new) == ["network.ifb"])
    }
}
