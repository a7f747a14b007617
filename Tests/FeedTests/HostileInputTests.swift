import Feed
import FeedParsing
import Scoring
import Testing

/// Untrusted input must never crash the parser, every bad line is rejected, and every
/// good line among bad ones is still accepted (docs/design.md, principle 2).
@Suite struct HostileInputTests {
    static let hostileLines: [[UInt8]] = {
        var random = SeededRandom(seed: 7)
        var lines: [[UInt8]] = [
            Array(#"{"user":"alice","score":NaN}"#.utf8),
            Array(#"{"user":"alice","score":1e309}"#.utf8),
            Array(#"{"user":"alice","score":-1e309}"#.utf8),
            Array(#"{"user":{"user":{"user":"alice"}},"score":1}"#.utf8),
            Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8),
            Array((String(repeating: "{\"a\":", count: 2_000)).utf8),
            Array(#"{"user":"alice","score":1,"score":2}"#.utf8),
            Array("{\"user\":\"al\u{0}ice\",\"score\":1}".utf8),
            [0x00, 0x00, 0x00],
            Array(#"{"user":"alice","score":"#.utf8) + [0xC3, 0x28] + Array("}".utf8),
            [0xF0, 0x28, 0x8C, 0xBC] + Array(",1".utf8),
            [0xFF, 0xFE] + Array(#"{"user":"alice","score":1}"#.utf8),
            Array(#"{"user":"alice","score":1"#.utf8),
            Array(#"{"user":"alice\"#.utf8),
            Array(#"{"user":"\uD834","score":1}"#.utf8),
            Array(#"{"user":"alice","score":1}{"user":"bob","score":2}"#.utf8),
            Array("alice,\(String(repeating: "9", count: 5_000))".utf8),
            Array(#"{"user":"alice","score":1e999999999999}"#.utf8),
            Array(#"{"user":"alice","score":-}"#.utf8),
            Array(",,,,,,".utf8),
            Array("\u{FEFF}alice,1".utf8),
            [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20),  // a 1 MB line
            [UInt8](repeating: UInt8(ascii: "{"), count: 5_000),
        ]
        for _ in 0..<200 {
            // Random bytes, made surely invalid by a stray continuation byte up front.
            var line: [UInt8] = [0x80]
            for _ in 0..<Int.random(in: 0..<300, using: &random) { line.append(UInt8.random(in: 0...255, using: &random)) }
            lines.append(line.filter { $0 != UInt8(ascii: "\n") })
        }
        return lines
    }()

    @Test func everyValidLineAmongHostileOnesIsAccepted() {
        var random = SeededRandom(seed: 11)
        var stream: [UInt8] = []
        var expected: [Int: ScoreEvent] = [:]
        var hostile: Set<Int> = []
        var lineNumber = 0
        for (index, bad) in Self.hostileLines.enumerated() {
            lineNumber += 1
            let event = ScoreEvent(user: "user\(index)", change: .set(Double(index)))
            stream += Array("{\"user\":\"user\(index)\",\"score\":\(index)}\n".utf8)
            expected[lineNumber] = event
            lineNumber += 1
            stream += bad + [UInt8(ascii: "\n")]
            hostile.insert(lineNumber)
        }
        let collected = FeedLineCollector(stream: stream, parser: FeedLineParser()) { Int.random(in: 1...70_000, using: &random) }
        #expect(collected.order == Array(1...lineNumber))
        for (line, event) in expected {
            #expect(collected.results[line] == .event(event), "line \(line)")
        }
        for line in hostile {
            guard case .rejected = collected.results[line] else {
                Issue.record("hostile line \(line) was not rejected: \(String(describing: collected.results[line]))")
                continue
            }
        }
        #expect(collected.results[2 * 22] == .rejected(.lineTooLong))  // the 1 MB line
    }

    @Test func randomizedPassKeepsEveryValidLineAndOnlySaneEvents() {
        var random = SeededRandom(seed: 20_261_127)
        var generator = ValidLineGenerator()
        var stream: [UInt8] = []
        stream.reserveCapacity(200_000 * 60)
        var expected: [Int: ScoreEvent] = [:]
        let total = 200_000
        for line in 1...total {
            let (text, event) = generator.next(using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6:
                stream += text
                expected[line] = event
            case 6, 7:
                stream += Self.mutate(text, using: &random)
            default:
                for _ in 0..<Int.random(in: 0..<120, using: &random) {
                    let byte = UInt8.random(in: 0...255, using: &random)
                    stream.append(byte == UInt8(ascii: "\n") ? 0 : byte)
                }
            }
            stream.append(UInt8(ascii: "\n"))
        }
        let collected = FeedLineCollector(stream: stream, parser: FeedLineParser(maxLineLength: 256)) {
            Int.random(in: 1...9_000, using: &random)
        }
        #expect(collected.order.count == total)
        var mismatches = 0
        for (line, event) in expected where collected.results[line] != .event(event) {
            mismatches += 1
            if mismatches <= 5 { Issue.record("line \(line): expected \(event), got \(String(describing: collected.results[line]))") }
        }
        #expect(mismatches == 0)
        for case .event(let event)? in collected.results.values {
            #expect(Self.isSane(event), "\(event)")
        }
    }

    /// Inserts, deletes or replaces a few bytes of a line (never a newline).
    static func mutate(_ line: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = line
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0...bytes.count, using: &random)
            var byte = UInt8.random(in: 0...255, using: &random)
            if byte == UInt8(ascii: "\n") { byte = UInt8(ascii: "\"") }
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes.insert(byte, at: position)
            case 1 where position < bytes.count: bytes.remove(at: position)
            default: if position < bytes.count { bytes[position] = byte }
            }
        }
        return bytes
    }

    /// What any accepted event must satisfy, whatever line it came from.
    static func isSane(_ event: ScoreEvent) -> Bool {
        let idOK = (1...64).contains(event.user.utf8.count)
            && event.user.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || [0x2E, 0x5F, 0x40, 0x2D].contains(b)
            }
        let value: Double
        switch event.change {
        case .set(let v), .delta(let v): value = v
        }
        let tsOK = event.timestamp.map { $0.isFinite && $0 >= 0 && $0 < 253_402_300_800 } ?? true
        let reasonOK = event.reason.map { $0.utf8.count <= 256 && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } } ?? true
        return idOK && value.isFinite && abs(value) <= 1e12 && tsOK && reasonOK
    }
}

/// Produces random valid feed lines (JSON and CSV) and the event each must parse to.
struct ValidLineGenerator {
    private static let idCharacters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-".utf8)

    mutating func next(using random: inout SeededRandom) -> ([UInt8], ScoreEvent) {
        let idLength = Int.random(in: 1...64, using: &random)
        let user = String(decoding: (0..<idLength).map { _ in Self.idCharacters.randomElement(using: &random)! }, as: UTF8.self)
        let value: Double = Bool.random(using: &random)
            ? Double(Int.random(in: -1_000_000...1_000_000, using: &random))
            : Double(Int.random(in: -4_000_000_000...4_000_000_000, using: &random)) / 64
        let isDelta = Bool.random(using: &random)
        let timestamp: Double? = Bool.random(using: &random) ? Double(Int.random(in: 0...4_000_000_000, using: &random)) : nil
        let reason: String? = Int.random(in: 0..<4, using: &random) == 0 ? "r\(Int.random(in: 0...999, using: &random)) ü" : nil
        let event = ScoreEvent(user: user, change: isDelta ? .delta(value) : .set(value), timestamp: timestamp, reason: reason)
        if reason == nil, Int.random(in: 0..<3, using: &random) == 0 {
            var csv = "\(user),\(isDelta ? "delta=" : "")\(value)"
            if let timestamp { csv += ",\(Int(timestamp))" }
            return (Array(csv.utf8), event)
        }
        var json = "{\"user\":\"\(user)\",\"\(isDelta ? "delta" : "score")\":\(value)"
        if let timestamp { json += ",\"ts\":\(Int(timestamp))" }
        if let reason { json += ",\"reason\":\"\(reason)\"" }
        json += "}"
        return (Array(json.utf8), event)
    }
}
