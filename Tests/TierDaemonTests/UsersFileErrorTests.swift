import Testing
@testable import TierDaemon

/// One test per users-file error kind, with exact `file:line: message`.
@Suite struct UsersFileErrorTests {
    let file = "/etc/tierd/users.csv"

    func errors(_ text: String) -> [String] {
        do {
            _ = try UsersFileLoader.parse(text: text, path: file, resolveUID: { _ in nil })
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func badHeader() {
        #expect(errors("id,addresses,unix_user,extra\n") == [
            "\(file):1: bad header \"id,addresses,unix_user,extra\": expected \"id,addresses,unix_user,interface\" (the last two optional)",
        ])
        #expect(errors("# users\nname,ips\nalice,10.0.0.1\n") == [
            "\(file):2: bad header \"name,ips\": expected \"id,addresses,unix_user,interface\" (the last two optional)",
        ])
        #expect(errors("id,addresses,unix_user,interface,extra\n") == [
            "\(file):1: bad header \"id,addresses,unix_user,interface,extra\": expected \"id,addresses,unix_user,interface\" (the last two optional)",
        ])
    }

    @Test func missingHeader() {
        #expect(errors("\n# nothing\n") == [
            "\(file): missing header line: expected \"id,addresses,unix_user,interface\" (the last two optional)",
        ])
    }

    @Test func badIDs() {
        let tooLong = String(repeating: "a", count: 65)
        let longest = String(repeating: "b", count: 64)
        #expect(errors("id,addresses\nal ice,10.0.0.1\n,10.0.0.2\n\(tooLong),10.0.0.3\n\(longest),10.0.0.4\nzoë,10.0.0.5\n") == [
            "\(file):2: invalid user id \"al ice\" (1-64 characters from A-Z a-z 0-9 . _ @ -)",
            "\(file):3: invalid user id \"\" (1-64 characters from A-Z a-z 0-9 . _ @ -)",
            "\(file):4: invalid user id \"\(tooLong)\" (1-64 characters from A-Z a-z 0-9 . _ @ -)",
            "\(file):6: invalid user id \"zoë\" (1-64 characters from A-Z a-z 0-9 . _ @ -)",
        ])
    }

    @Test func emptyAndInvalidAddresses() {
        #expect(errors("id,addresses\na,\nb,  \nc,10.0.0.300\nd,10.0.0.1/24\ne,2001:db8::1/64 10.0.0.9/33\nf,host.example\n") == [
            "\(file):2: user \"a\" has no addresses",
            "\(file):3: user \"b\" has no addresses",
            "\(file):4: invalid address or prefix \"10.0.0.300\" for user \"c\" (host bits of a prefix must be zero)",
            "\(file):5: invalid address or prefix \"10.0.0.1/24\" for user \"d\" (host bits of a prefix must be zero)",
            "\(file):6: invalid address or prefix \"2001:db8::1/64\" for user \"e\" (host bits of a prefix must be zero)",
            "\(file):6: invalid address or prefix \"10.0.0.9/33\" for user \"e\" (host bits of a prefix must be zero)",
            "\(file):7: invalid address or prefix \"host.example\" for user \"f\" (host bits of a prefix must be zero)",
        ])
    }

    @Test func duplicateID() {
        #expect(errors("id,addresses\nalice,10.0.0.1\nbob,10.0.0.2\nalice,10.0.0.3\n") == [
            "\(file):4: duplicate user id \"alice\" (first at line 2)",
        ])
    }

    @Test func addressListedTwiceForOneUser() {
        #expect(errors("id,addresses\nalice,10.0.0.1 10.0.0.1/32\n") == [
            "\(file):2: 10.0.0.1/32 is listed twice for user \"alice\"",
        ])
    }

    @Test func sameAddressClaimedByTwoUsers() {
        #expect(errors("id,addresses\nalice,10.0.0.1 2001:db8::1\nbob,10.0.0.2 2001:DB8:0::1\n") == [
            "\(file):3: 2001:DB8:0::1 of user \"bob\" is already claimed by user \"alice\" (line 2)",
        ])
    }

    @Test func overlappingPrefixesBetweenUsers() {
        #expect(errors("id,addresses\nalice,10.0.0.1\nbob,10.0.0.0/30\ncarol,2001:db8:1::/48\ndave,2001:db8:1:2::/64\neve,10.0.0.4/30\n") == [
            "\(file):3: 10.0.0.0/30 of user \"bob\" overlaps 10.0.0.1 of user \"alice\" (line 2)",
            "\(file):5: 2001:db8:1:2::/64 of user \"dave\" overlaps 2001:db8:1::/48 of user \"carol\" (line 4)",
        ])
    }

    @Test func aPrefixCoveringEveryAddressIsRefused() {
        #expect(errors("id,addresses\nalice,0.0.0.0/0\nbob,10.0.0.2 ::/0\ncarol,::ffff:0.0.0.0/96\n") == [
            "\(file):2: 0.0.0.0/0 of user \"alice\" covers every address; list the user's own addresses or prefixes",
            "\(file):3: ::/0 of user \"bob\" covers every address; list the user's own addresses or prefixes",
            "\(file):4: ::ffff:0.0.0.0/96 of user \"carol\" covers every address; list the user's own addresses or prefixes",
        ])
    }

    /// `::ffff:10.0.0.11` is `10.0.0.11`: two users cannot share it in either spelling or order.
    @Test func anIPv4MappedAddressCollidesWithTheSameIPv4Address() {
        #expect(errors("id,addresses\nalice,10.0.0.11\nbob,::ffff:10.0.0.11\ncarol,::ffff:10.0.0.12\ndave,10.0.0.12/32\n") == [
            "\(file):3: ::ffff:10.0.0.11 of user \"bob\" is already claimed by user \"alice\" (line 2) (::ffff:10.0.0.11 is the IPv4-mapped form of 10.0.0.11)",
            "\(file):5: 10.0.0.12/32 of user \"dave\" is already claimed by user \"carol\" (line 4) (::ffff:10.0.0.12 is the IPv4-mapped form of 10.0.0.12/32)",
        ])
        #expect(errors("id,addresses\nalice,10.0.1.0/24\nbob,::ffff:10.0.1.5\n") == [
            "\(file):3: ::ffff:10.0.1.5 of user \"bob\" overlaps 10.0.1.0/24 of user \"alice\" (line 2)",
        ])
        #expect(errors("id,addresses\nalice,10.0.0.11 ::ffff:10.0.0.11\n") == [
            "\(file):2: ::ffff:10.0.0.11 is listed twice for user \"alice\" (::ffff:10.0.0.11 is the IPv4-mapped form of 10.0.0.11)",
        ])
        #expect(errors("id,addresses\nalice,10.0.0.11\nbob,::ffff:10.0.0.12 2001:db8::ffff:10.0.0.11\n") == [], "only ::ffff:0:0/96 is mapped")
    }

    @Test func fieldCounts() {
        #expect(errors("id,addresses,unix_user\nalice,10.0.0.1,alice,extra\nbob\n") == [
            "\(file):2: too many fields: expected at most 3 (id,addresses,unix_user), found 4",
            "\(file):3: too few fields: expected id,addresses,unix_user, found 1",
        ])
        #expect(errors("id,addresses\nalice,10.0.0.1,alice\n") == [
            "\(file):2: too many fields: expected at most 2 (id,addresses), found 3",
        ])
    }

    @Test func badQuoting() {
        #expect(errors("id,addresses\n\"alice,10.0.0.1\nbob,\"10.0.0.2\"x\n") == [
            "\(file):2: field 1 has an unterminated quote (quoted fields cannot span lines)",
            "\(file):3: field 2 has text after its closing quote",
        ])
    }

    @Test func quotedCommaStillYieldsAnInvalidID() {
        #expect(errors("id,addresses\n\"a,b\",10.0.0.1\n") == [
            "\(file):2: invalid user id \"a,b\" (1-64 characters from A-Z a-z 0-9 . _ @ -)",
        ])
    }

    @Test func everyErrorIsReported() {
        let result = errors("id,addresses\nalice,10.0.0.1\nalice,10.0.0.2\nbob,nope\ncarol,10.0.0.1\n")
        #expect(result == [
            "\(file):3: duplicate user id \"alice\" (first at line 2)",
            "\(file):4: invalid address or prefix \"nope\" for user \"bob\" (host bits of a prefix must be zero)",
            "\(file):5: 10.0.0.1 of user \"carol\" is already claimed by user \"alice\" (line 2)",
        ])
    }

    @Test func unreadableFile() {
        #expect(throws: ConfigErrors([ConfigError(file: "/nonexistent/users.csv", line: 0, message: "cannot read: No such file or directory")])) {
            try UsersFileLoader.load(path: "/nonexistent/users.csv")
        }
    }
}
