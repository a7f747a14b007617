import Control
import Testing
@testable import TierDaemon

/// Rates in tc's units and durations in `ms s m h d`.
@Suite struct ConfigUnitParsingTests {
    @Test(arguments: [
        ("1000000", 1_000_000), ("800bit", 800), ("256kbit", 256_000), ("20mbit", 20_000_000),
        ("1.5mbit", 1_500_000), ("2gbit", 2_000_000_000), ("1tbit", 1_000_000_000_000),
        ("20MBit", 20_000_000), (" 5mbit ", 5_000_000), ("5 mbit", 5_000_000),
        ("1kibit", 1024), ("1mibit", 1_048_576), ("1gibit", 1_073_741_824),
        ("100bps", 800), ("125kbps", 1_000_000), ("2mbps", 16_000_000), ("1gbps", 8_000_000_000),
        ("1kibps", 8192),
    ] as [(String, UInt64)])
    func ratesParse(text: String, bitsPerSecond: UInt64) {
        #expect(RateParser.parse(text) == bitsPerSecond)
    }

    @Test(arguments: ["", "mbit", "-5mbit", "5 megabit", "5mbitx", "1e3kbit", ".5mbit", "5..0mbit", "abc", "99999999999tbit"])
    func badRatesAreRejected(text: String) {
        #expect(RateParser.parse(text) == nil)
    }

    @Test(arguments: [
        (UInt64(0), "0bit"), (999, "999bit"), (256_000, "256kbit"), (1_500_000, "1500kbit"),
        (20_000_000, "20mbit"), (2_000_000_000, "2gbit"), (3_000_000_000_000, "3tbit"), (1_000_001, "1000001bit"),
    ])
    func ratesFormatShortestExact(bitsPerSecond: UInt64, text: String) {
        #expect(RateParser.format(bitsPerSecond) == text)
    }

    @Test func rateFormatRoundTrips() {
        var value: UInt64 = 1
        while value < 10_000_000_000_000 {
            for candidate in [value, value * 3, value * 7 + 1] {
                #expect(RateParser.parse(RateParser.format(candidate)) == candidate)
            }
            value *= 10
        }
    }

    @Test(arguments: [
        ("30s", 30.0), ("250ms", 0.25), ("15m", 900), ("24h", 86400), ("2d", 172_800), ("1.5h", 5400),
        ("1h30m", 5400), ("1d2h3m4s5ms", 93784.005), ("90", 90), ("0s", 0), ("0", 0), ("10S", 10), (" 5m ", 300),
    ] as [(String, Double)])
    func durationsParse(text: String, seconds: Double) throws {
        let parsed = try #require(DurationParser.parse(text))
        #expect(abs(parsed - seconds) < 1e-9)
    }

    @Test(arguments: ["", "s", "-5s", "5x", "1 day", "1h30", "5s5", "1..5s", "h1"])
    func badDurationsAreRejected(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test(arguments: [
        (0.0, "0s"), (30, "30s"), (0.25, "250ms"), (900, "15m"), (5400, "1h30m"), (86400, "1d"),
        (93784.005, "1d2h3m4s5ms"), (-3, "0s"),
    ] as [(Double, String)])
    func durationsFormat(seconds: Double, text: String) {
        #expect(DurationParser.format(seconds) == text)
    }

    @Test func durationFormatRoundTrips() throws {
        for seconds in [0.001, 1, 59, 61, 3599, 3601, 86399, 86401, 1_000_000.5] {
            let parsed = try #require(DurationParser.parse(DurationParser.format(seconds)))
            #expect(abs(parsed - seconds) < 0.0005)
        }
    }
}
