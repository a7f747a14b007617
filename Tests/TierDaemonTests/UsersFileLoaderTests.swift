import TestSupport
import Foundation
import Testing
import TrafficControl
@testable import TierDaemon

/// Valid users files: what they parse to.
@Suite struct UsersFileLoaderTests {
    let file = "/etc/tierd/users.csv"

    /// Test accounts, so results do not depend on the machine's passwd.
    static func accounts(_ name: String) -> UInt32? {
        ["alice": 1001, "root": 0][name]
    }

    func parse(_ text: String) throws -> [UserRecord] {
        try UsersFileLoader.parse(text: text, path: file, resolveUID: Self.accounts)
    }

    /// A mapped address of nobody else's is legal but shapes nothing: `--check` warns.
    @Test func anIPv4MappedAddressIsWarnedAbout() throws {
        let records = try parse("id,addresses\nalice,10.0.0.11 ::ffff:10.0.0.99\n")
        #expect(UsersFileLoader.warnings(for: records, path: file) == [
            "\(file):2: warning: ::ffff:10.0.0.99 of user \"alice\" is an IPv4-mapped address; IPv6 packets do not carry those, so it shapes nothing: list 10.0.0.99 instead",
        ])
    }

    @Test func designExampleParses() throws {
        let records = try parse("""
            id,addresses,unix_user
            alice,10.0.0.11 2001:db8::11,alice
            bob,10.0.0.12/32,
            """)
        #expect(records == [
            UserRecord(id: "alice", addresses: [IPPrefix("10.0.0.11")!, IPPrefix("2001:db8::11")!], unixUser: "alice", uid: 1001, line: 2),
            UserRecord(id: "bob", addresses: [IPPrefix("10.0.0.12/32")!], unixUser: nil, uid: nil, line: 3),
        ])
    }

    @Test func commentsBlankLinesCRLFAndBOMAreTolerated() throws {
        let records = try parse("\u{FEFF}# users\r\n\r\nid,addresses,unix_user\r\n  # a comment\r\ncarol,10.0.1.0/29\t 2001:db8:1::/64 ,root\r\n")
        #expect(records.count == 1)
        #expect(records[0].id == "carol")
        #expect(records[0].addresses == [IPPrefix("10.0.1.0/29")!, IPPrefix("2001:db8:1::/64")!])
        #expect(records[0].unixUser == "root")
        #expect(records[0].uid == 0)
        #expect(records[0].line == 5)
    }

    @Test func unixUserColumnIsOptional() throws {
        let records = try parse("id,addresses\ndave@example.net,10.0.0.14\n")
        #expect(records == [UserRecord(id: "dave@example.net", addresses: [IPPrefix("10.0.0.14")!], unixUser: nil, uid: nil, line: 2)])
        // With the column in the header, a row may still omit it.
        #expect(try parse("id,addresses,unix_user\nerin,10.0.0.15\n").first?.unixUser == nil)
    }

    @Test func quotedFieldsFollowRFC4180() throws {
        let records = try parse("id,addresses,unix_user\n\"frank\",\"10.0.0.16 10.0.0.17\", \"alice\" \n")
        #expect(records.first?.id == "frank")
        #expect(records.first?.addresses.count == 2)
        #expect(records.first?.uid == 1001)
    }

    @Test func unknownAccountIsAWarningThatKeepsTheName() throws {
        let records = try parse("id,addresses,unix_user\ngina,10.0.0.18,nosuchuser\n")
        #expect(records.first?.unixUser == "nosuchuser")
        #expect(records.first?.uid == nil)
        #expect(UsersFileLoader.warnings(for: records, path: file) == [
            "\(file):2: warning: unix_user \"nosuchuser\" of user \"gina\" is not a local account; it cannot read its status until it exists",
        ])
    }

    @Test func defaultResolverUsesTheSystemAccounts() throws {
        let records = try UsersFileLoader.parse(text: "id,addresses,unix_user\nr,10.0.0.1,root\nn,10.0.0.2,no-such-account-xyz\n", path: file)
        #expect(records.map(\.uid) == [0, nil])
        #expect(UnixAccountResolver.uid(forUser: "root") == 0)
    }

    @Test func sameUserMayListNestedPrefixes() throws {
        let records = try parse("id,addresses\nhal,10.0.0.0/30 10.0.0.1\n")
        #expect(records.first?.addresses.count == 2)
    }

    @Test func emptyUsersFileWithHeaderIsValid() throws {
        #expect(try parse("id,addresses,unix_user\n") == [])
    }

    @Test func largeFileLoadsQuickly() throws {
        var text = "id,addresses,unix_user\n"
        for index in 0..<20000 {
            text += "user\(index),10.\(index / 65536).\(index / 256 % 256).\(index % 256) fd00::\(String(index, radix: 16))/128,\n"
        }
        let clock = ContinuousClock()
        var records: [UserRecord] = []
        let elapsed = try clock.measure { records = try parse(text) }
        #expect(records.count == 20000)
        #expect(elapsed < .seconds(10))
    }

    @Test func loadReadsFromDisk() throws {
        let directory = try TemporaryDirectory(prefix: "tierdt-config")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("users.csv").path
        try "id,addresses\nian,192.0.2.1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try UsersFileLoader.load(path: path).map(\.id) == ["ian"])
    }
}
