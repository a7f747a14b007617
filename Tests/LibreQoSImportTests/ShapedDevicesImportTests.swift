import LibreQoSImport
import Testing

@Suite struct ShapedDevicesImportTests {
    private func convert(_ text: String) throws -> ShapedDevicesImport.Result {
        try ShapedDevicesImport.convert(text).get()
    }

    @Test func mapsCircuitsToUsersWithEveryDevicesAddresses() throws {
        let result = try convert(ShapedDevicesFixture.mixed)
        #expect(result.users.map(\.id) == ["10001", "2794", "10003", "10004", "10005", "10006"])
        let byID = Dictionary(uniqueKeysWithValues: result.users.map { ($0.id, $0) })
        #expect(byID["10001"]?.addresses.map(\.description) == ["100.64.0.1", "100.64.0.14", "fdd7:b724:0:100::/56"])
        #expect(byID["2794"]?.addresses.map(\.description)
            == ["100.64.0.5", "fdd7:b724:0:500::/56", "fdd7:b724:0:600::/56", "100.64.0.6"])
        #expect(byID["2794"]?.lines == [3, 4])
        #expect(byID["10001"]?.name == "968 Circle St., Gurnee, IL 60031")
        #expect(byID["10003"]?.plan.description == "10.5/5.25 Mbps")
        #expect(byID["10006"]?.lines == [9])
        #expect(result.rowCount == 20)
    }

    @Test func listsEveryRowItCannotMapWithItsLineAndReason() throws {
        let skipped = try convert(ShapedDevicesFixture.mixed).skipped
        let reasons = Dictionary(uniqueKeysWithValues: skipped.map { ($0.line, $0.reason) })
        #expect(skipped.map(\.line) == Array(10...22))
        #expect(reasons[10] == .missingCircuitID)
        #expect(reasons[11] == .invalidCircuitID("bad id!"))
        #expect(reasons[12] == .badAddress("100.64.0.300", column: "IPv4"))
        #expect(reasons[13] == .badAddress("100.64.2.1/24", column: "IPv4"))
        #expect(reasons[14] == .noAddresses)
        #expect(reasons[15] == .badRate("fast", column: "Download Max Mbps"))
        guard case .conflictingRates(_, "10006", 9, _) = reasons[16] else {
            Issue.record("line 16: \(String(describing: reasons[16]))"); return
        }
        #expect(reasons[17] == .duplicateAddress("100.64.0.1", circuit: "10001", otherLine: 2))
        #expect(reasons[18] == .overlappingPrefix("100.64.1.3", other: "100.64.1.0/29", circuit: "10004", otherLine: 6))
        #expect(reasons[19] == .overlappingPrefix("2001:db8::/32", other: "2001:db8:5::/48", circuit: "10005", otherLine: 8))
        #expect(reasons[20] == .unreadable("field 9 has an unterminated quote (quoted fields cannot span lines)"))
        #expect(reasons[21] == .tooFewFields(found: 4, needed: 14))
        #expect(reasons[22] == .wrongFamily("2001:db8:19::1", column: "IPv4"))
    }

    @Test func aRowLeftOutNeverHidesALaterClash() throws {
        // Line 3 clashes with line 2 and is left out, so line 4 (which only clashes with
        // line 3's prefix) is kept; line 5 clashes with kept line 4.
        let text = """
            \(ShapedDevicesFixture.header)
            a,,,,,,,,10.0.0.1,,1,1,10,10,,
            b,,,,,,,,"10.0.0.1,10.1.0.0/16",,1,1,10,10,,
            c,,,,,,,,10.1.0.5,,1,1,10,10,,
            d,,,,,,,,10.1.0.0/24,,1,1,10,10,,
            """
        let result = try convert(text)
        #expect(result.users.map(\.id) == ["a", "c"])
        #expect(result.skipped.map(\.line) == [3, 5])
        #expect(result.skipped.last?.reason == .overlappingPrefix("10.1.0.0/24", other: "10.1.0.5", circuit: "c", otherLine: 4))
    }

    @Test func anIPv4MappedAddressCollidesWithItsIPv4Form() throws {
        let text = """
            \(ShapedDevicesFixture.header)
            a,,,,,,,,10.0.0.1,,1,1,10,10,,
            b,,,,,,,,,::ffff:10.0.0.1,1,1,10,10,,
            a,,,,,,,,,::ffff:10.0.0.1,1,1,10,10,,
            """
        let result = try convert(text)
        #expect(result.skipped.map(\.line) == [3])
        #expect(result.users.first?.addresses.map(\.description) == ["10.0.0.1"])
    }

    @Test func readsTheLegacyThirteenColumnsByHeaderName() throws {
        let text = """
            Circuit ID,Circuit Name,Device ID,Device Name,Parent Node,MAC,IPv4,IPv6,Download Min Mbps,Upload Min Mbps,Download Max Mbps,Upload Max Mbps,Comment\r
            c1,Name,1,Dev,AP,,100.64.0.1,,1,1,25,5,\r
            """
        let result = try convert("\u{FEFF}" + text)
        #expect(result.users.map(\.id) == ["c1"])
        #expect(result.users.first?.plan.description == "25/5 Mbps")
        #expect(result.skipped.isEmpty)
    }

    @Test func refusesAFileWithoutTheColumnsItNeeds() {
        #expect(ShapedDevicesImport.convert("# only a comment\n\n") == .failure(.noHeader))
        #expect(ShapedDevicesImport.convert("id,addresses\nalice,10.0.0.1\n")
            == .failure(.badHeader(line: 1, missing: ["Circuit ID", "IPv4", "IPv6", "Download Max Mbps", "Upload Max Mbps"])))
    }

    @Test(arguments: [
        ("105", 105_000_000), ("2.5", 2_500_000), ("0.125", 125_000), ("10.5000001", 10_500_000),
        ("1.0000005", 1_000_001), ("0.9999999", 1_000_000), ("007", 7_000_000),
    ] as [(String, UInt64)])
    func readsMbpsExactly(text: String, bits: UInt64) {
        #expect(MbpsRate(text)?.bitsPerSecond == bits)
    }

    @Test(arguments: ["", "0", "0.0", "-1", "1e3", "inf", "nan", ".5", "5.", "1,5", " 5", "0x10", "10000001", "0.0000004"])
    func refusesWhatIsNotARate(text: String) {
        #expect(MbpsRate(text) == nil)
    }

    @Test func spellsRatesInTheConfigsUnits() {
        #expect(MbpsRate("105")?.configText == "105mbit")
        #expect(MbpsRate("2.5")?.configText == "2500kbit")
        #expect(MbpsRate("1.0000005")?.configText == "1000001bit")
        #expect(MbpsRate("10.50")?.description == "10.5")
    }
}
