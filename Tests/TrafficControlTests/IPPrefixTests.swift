import Testing
@testable import IPAddressing

@Suite("IPPrefix parsing")
struct IPPrefixTests {
    @Test("valid addresses and prefixes parse to their canonical text", arguments: [
        ("10.0.0.11", "10.0.0.11", 32, false),
        ("10.0.0.11/32", "10.0.0.11", 32, false),
        ("10.0.0.0/30", "10.0.0.0/30", 30, false),
        ("0.0.0.0/0", "0.0.0.0/0", 0, false),
        ("2001:db8::11", "2001:db8::11", 128, true),
        ("2001:DB8:0:0::11/128", "2001:db8::11", 128, true),
        ("2001:db8:1::/64", "2001:db8:1::/64", 64, true),
        ("2001:0db8:0001:0000:0000:0000:0000:0000/48", "2001:db8:1::/48", 48, true),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1", 128, true),
    ])
    func valid(text: String, canonical: String, length: Int, isIPv6: Bool) throws {
        let prefix = try #require(IPPrefix(text))
        #expect(prefix.description == canonical)
        #expect(prefix.length == length)
        #expect(prefix.isIPv6 == isIPv6)
        #expect(IPPrefix(prefix.description) == prefix)
    }

    @Test("malformed text and set host bits are rejected", arguments: [
        "", "10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1/33", "10.0.0.1/24", "10.0.0.0/",
        "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08", "10.0.0.0/24/1", " 10.0.0.1", "10.0.0.1 ",
        "2001:db8::1/64", "2001:db8::/129", "2001:db8:::1", "gggg::1", "alice", "10.0.0.0/abc",
    ])
    func invalid(text: String) {
        #expect(IPPrefix(text) == nil)
    }

    @Test("ordering puts IPv4 first, then address, then shorter prefix")
    func ordering() throws {
        let texts = ["2001:db8::1", "10.0.0.0/30", "10.0.0.1", "10.0.0.0/31", "9.255.255.255"]
        let sorted = texts.compactMap(IPPrefix.init).sorted().map(\.description)
        #expect(sorted == ["9.255.255.255", "10.0.0.0/30", "10.0.0.0/31", "10.0.0.1", "2001:db8::1"])
    }

    @Test("words and masks are host-order big-endian words")
    func words() throws {
        let v4 = try #require(IPPrefix("10.1.2.0/23"))
        #expect(v4.words == [0x0A01_0200])
        #expect(v4.maskWords == [0xFFFF_FE00])
        let v6 = try #require(IPPrefix("2001:db8:1::/56"))
        #expect(v6.words == [0x2001_0DB8, 0x0001_0000, 0, 0])
        #expect(v6.maskWords == [0xFFFF_FFFF, 0xFFFF_FF00, 0, 0])
    }
}
