import Testing
@testable import TierDaemon

/// The users file's optional fourth column, `interface`: which access side a user is behind.
@Suite struct UsersFileInterfaceTests {
    let file = "/etc/tierd/users.csv"

    private func parse(_ text: String, interfaces: [String]? = ["eth1", "eth2"]) throws(ConfigErrors) -> [UserRecord] {
        try UsersFileLoader.parse(text: text, path: file, interfaces: interfaces, resolveUID: { _ in nil })
    }

    @Test func theColumnNamesTheInterfaceAndEmptyMeansTheFirst() throws {
        let users = try parse("id,addresses,unix_user,interface\nalice,10.0.0.1,,eth2\nbob,10.0.0.2,,\ncarol,10.0.0.3\n")
        #expect(users.map(\.interface) == ["eth2", nil, nil])
        let network = NetworkSection(interfaces: [InterfaceSection(name: "eth1", ifb: "i1"), InterfaceSection(name: "eth2", ifb: "i2")],
                                     usersFile: file)
        #expect(users.map(network.interface(of:)) == ["eth2", "eth1", "eth1"])
    }

    @Test func olderFilesKeepTheirMeaning() throws {
        let users = try parse("id,addresses,unix_user\nalice,10.0.0.1,alice\nbob,10.0.0.2\n", interfaces: ["eth1"])
        #expect(users.map(\.interface) == [nil, nil])
        #expect(users.map(\.unixUser) == ["alice", nil])
    }

    @Test func anUnknownInterfaceIsAnErrorAtItsLine() {
        #expect(throws: ConfigErrors([
            ConfigError(file: file, line: 3, message: "user \"bob\" names interface \"eth3\", which is not configured (interfaces: eth1, eth2)"),
        ])) {
            try parse("id,addresses,unix_user,interface\nalice,10.0.0.1,,eth1\nbob,10.0.0.2,,eth3\n")
        }
        // Without the config's interfaces (a check whose config is broken) any name passes.
        #expect(throws: Never.self) { try parse("id,addresses,unix_user,interface\nbob,10.0.0.2,,eth3\n", interfaces: nil) }
    }

    @Test func addressesStayUniqueAcrossInterfaces() {
        #expect(throws: ConfigErrors([
            ConfigError(file: file, line: 3, message: "10.0.0.1 of user \"bob\" is already claimed by user \"alice\" (line 2)"),
        ])) {
            try parse("id,addresses,unix_user,interface\nalice,10.0.0.1,,eth1\nbob,10.0.0.1,,eth2\n")
        }
    }
}
