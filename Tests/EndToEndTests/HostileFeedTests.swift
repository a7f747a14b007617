import Foundation
import Testing
import TestSupport

/// Hostile feed input sent to the running daemon, on the socket and in the file: it keeps
/// running and healthy, applies every valid line among the bad ones, counts every bad one,
/// and one stalled producer cannot hold up the others.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct HostileFeedTests {
    @Test func socketRejectsHostileLinesAndAppliesTheValidOnesAmongThem() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()

        let input = HostileFeedInput.make()
        let outcome = RawFeedConnection.push(input.bytes, to: daemon.feedSocket)
        if case .replied(_, _, let line) = outcome {
            #expect(input.unrejected(in: line).isEmpty, "hostile lines not rejected: \(input.unrejected(in: line))")
        }
        #expect(outcome.isAcknowledged(accepted: input.valid, rejected: input.hostile), "expected \(input.valid) accepted, \(input.hostile) rejected")
        #expect(daemon.process?.process.isRunning == true, "daemon died: \(daemon.log)")
        #expect(try daemon.healthStatus() == "ok")
        #expect(try daemon.score("alice") == input.expectedAlice)
        #expect(try daemon.score("bob") == input.expectedBob)
        let feed = try daemon.feedHealth()
        #expect(feed["rejected"] as? Int == input.hostile, "health feed: \(feed)")
        #expect(feed["unknown_users"] as? Int == 1, "health feed: \(feed)")

        // Pure noise, newlines anywhere: answered, nothing known changes, still healthy.
        var noise = [UInt8](repeating: 0, count: 256 << 10)
        for index in noise.indices { noise[index] = UInt8.random(in: 0...255) }
        let noiseOutcome = RawFeedConnection.push(noise, to: daemon.feedSocket)
        guard case .replied(_, let rejected, _) = noiseOutcome else {
            Issue.record("no reply to noise: \(noiseOutcome)")
            return
        }
        #expect(rejected > 0)
        #expect(try daemon.healthStatus() == "ok")
        #expect(try daemon.score("alice") == input.expectedAlice)
        #expect(try daemon.score("bob") == input.expectedBob)
        #expect(try daemon.feedHealth()["rejected"] as? Int == input.hostile + rejected)
    }

    @Test func fileFeedRejectsHostileLinesAndAppliesTheValidOnesAmongThem() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()

        let input = HostileFeedInput.make()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: daemon.setup.feedPath))
        try handle.seekToEnd()
        // In pieces of odd sizes: lines (and the megabyte one) straddle reads.
        var offset = 0
        while offset < input.bytes.count {
            let end = min(input.bytes.count, offset + Int.random(in: 1...70_000))
            try handle.write(contentsOf: Data(input.bytes[offset..<end]))
            offset = end
        }
        try handle.close()

        #expect(try eventually(timeout: 10) {
            try daemon.score("alice") == input.expectedAlice && daemon.score("bob") == input.expectedBob
        }, "alice \(daemon.scoreText("alice")) bob \(daemon.scoreText("bob")): \(daemon.log)")
        #expect(try eventually { try daemon.feedHealth()["rejected"] as? Int == input.hostile }, "health feed: \(daemon.feedHealthText())")
        let feed = try daemon.feedHealth()
        #expect(feed["applied"] as? Int == input.valid - 1, "health feed: \(feed)")
        #expect(feed["unknown_users"] as? Int == 1, "health feed: \(feed)")
        #expect(feed["file_offset"] as? Int == input.bytes.count, "health feed: \(feed)")
        #expect(daemon.process?.process.isRunning == true, "daemon died: \(daemon.log)")
        #expect(try daemon.healthStatus() == "ok")
    }

    /// A producer that sends 128 MiB without a newline: one `line_too_long`, the valid line
    /// after it applies, and the daemon does not buffer the line (its resident memory grows
    /// by far less than what was sent).
    @Test func endlessLineOnTheSocketIsRejectedWithoutBeingBuffered() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()
        guard let pid = daemon.process?.process.processIdentifier, let before = Self.residentBytes(pid) else {
            Issue.record("cannot read the daemon's memory")
            return
        }
        let command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        #expect(command.hasPrefix("tierd"), "process \(pid) is \(command), not tierd")
        guard let connection = RawFeedConnection(path: daemon.feedSocket, receiveTimeout: 30) else {
            Issue.record("cannot connect to the feed socket")
            return
        }
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        var sent = true
        for _ in 0..<128 where sent { sent = connection.send(chunk) }
        #expect(sent, "the daemon closed the connection instead of reading on")
        connection.send(Array("\n{\"user\":\"bob\",\"delta\":-5}\n".utf8))
        let outcome = connection.finish()
        #expect(outcome.isAcknowledged(accepted: 1, rejected: 1), "reply: \(outcome)")
        let after = Self.residentBytes(pid) ?? .max
        #expect(after - min(after, before) < 32 << 20, "resident memory grew from \(before) to \(after) bytes")
        #expect(try daemon.score("bob") == 995)
        #expect(try daemon.healthStatus() == "ok")
    }

    /// VmRSS of a process, in bytes.
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            return digits.first.map { $0 * 1024 }
        }
        return nil
    }

    /// 50 producers at once plus one that sends a line and then stalls (never half-closes):
    /// every other producer is answered promptly, and the stalled line is not applied (it
    /// was never acknowledged).
    @Test func stalledProducerDoesNotHoldUpFiftyOthers() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try daemon.start()

        guard let staller = RawFeedConnection(path: daemon.feedSocket) else {
            Issue.record("cannot connect to the feed socket")
            return
        }
        defer { staller.close() }
        #expect(staller.send(Array(#"{"user":"bob","delta":-500}"#.utf8) + [UInt8(ascii: "\n"), UInt8(ascii: "{")]))

        let producers = 50
        // One thread per producer, all released at once: really concurrent connections.
        let results = LockedValue<[Int: ProducerResult]>([:])
        let gate = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        let socket = daemon.feedSocket
        for index in 0..<producers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                gate.wait()
                let begin = Date()
                let outcome = RawFeedConnection.push(
                    lines: [#"{"user":"carol","delta":\#(index + 1)}"#, #"{"user":"alice","delta":-1}"#], to: socket, receiveTimeout: 10)
                let elapsed = Date().timeIntervalSince(begin)
                results.withLock { $0[index] = ProducerResult(outcome: outcome, seconds: elapsed) }
            }
        }
        let started = Date()
        for _ in 0..<producers { gate.signal() }
        #expect(group.wait(timeout: .now() + 20) == .success, "producers still running after 20 s")
        let total = Date().timeIntervalSince(started)
        let collected = results.value
        #expect(collected.count == producers)
        for (index, result) in collected.sorted(by: { $0.key < $1.key }) {
            #expect(result.outcome.isAcknowledged(accepted: 2), "producer \(index): \(result.outcome)")
            #expect(result.seconds < 5, "producer \(index) waited \(result.seconds) s")
        }
        #expect(total < 5, "all producers took \(total) s")
        #expect(try daemon.score("carol") == 1000 + Double(producers * (producers + 1) / 2))
        #expect(try daemon.score("alice") == 1000 - Double(producers))
        // The stalled connection is still open and its line not applied.
        #expect(try daemon.score("bob") == 1000)
        #expect(try daemon.healthStatus() == "ok")
    }
}

/// How one of the concurrent producers fared.
struct ProducerResult: Sendable {
    var outcome: RawFeedConnection.Outcome
    var seconds: Double
}

/// A feed text mixing valid lines with every kind of hostile line, with the counts and the
/// scores it must produce (alice and bob start from the baseline, 1000).
struct HostileFeedInput {
    var bytes: [UInt8] = []
    /// Lines the parser accepts (including one for an unknown user).
    var valid = 0
    var hostile = 0
    var expectedAlice = 1000.0
    var expectedBob = 1000.0
    /// Line number (1-based) -> the hostile line, to name any that was not rejected.
    var hostileLines: [Int: [UInt8]] = [:]
    private var lines = 0

    static func make() -> HostileFeedInput {
        var input = HostileFeedInput()
        let hostileLines: [[UInt8]] = fixedHostileLines() + (0..<40).map { _ in randomGarbageLine() }
        for (index, line) in hostileLines.shuffled().enumerated() {
            input.addHostile(line)
            input.addValid(index)
        }
        input.addValidLine(#"{"user":"mallory","delta":5}"#)  // unknown user: accepted, counted
        // Neither accepted nor rejected: blank, comment, CSV header, CRLF blank.
        for blank in ["", "   \t", "# alice,1", "user,score", "\r"] { input.addBlank(blank) }
        return input
    }

    mutating func addHostile(_ line: [UInt8]) {
        bytes += line + [UInt8(ascii: "\n")]
        hostile += 1
        lines += 1
        hostileLines[lines] = line
    }

    mutating func addBlank(_ text: String) {
        bytes += Array(text.utf8) + [UInt8(ascii: "\n")]
        lines += 1
    }

    /// The hostile lines a reply's itemized errors do not name (for failure messages).
    func unrejected(in replyLine: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(replyLine.utf8)) as? [String: Any],
            let errors = object["errors"] as? [[String: Any]]
        else { return "unreadable reply" }
        let named = Set(errors.compactMap { $0["line"] as? Int })
        return hostileLines.keys.sorted().filter { !named.contains($0) }
            .map { "line \($0): \(String(decoding: hostileLines[$0]!.prefix(120), as: UTF8.self).debugDescription)" }
            .joined(separator: "; ")
    }

    /// A valid line, alternating users and syntaxes (JSON delta, JSON with ts, CSV).
    mutating func addValid(_ index: Int) {
        let delta = index % 7 - 3
        switch index % 3 {
        case 0:
            addValidLine(#"{"user":"alice","delta":\#(delta),"reason":"valid-\#(index)"}"#)
            expectedAlice += Double(delta)
        case 1:
            addValidLine(#"{"delta":\#(delta),"user":"bob"}"#)
            expectedBob += Double(delta)
        default:
            let score = 900 + index
            addValidLine("bob,\(score)")
            expectedBob = Double(score)
        }
    }

    mutating func addValidLine(_ text: String) {
        bytes += Array(text.utf8) + [UInt8(ascii: "\n")]
        valid += 1
        lines += 1
    }

    static func fixedHostileLines() -> [[UInt8]] {
        let text = [
            #"{"user":"alice","delta":NaN}"#,
            #"{"user":"alice","delta":nan}"#,
            #"{"user":"alice","delta":1e309}"#,
            #"{"user":"alice","score":-1e309}"#,
            #"{"user":"alice","delta":Infinity}"#,
            #"{"user":"alice","delta":1e300}"#,
            #"{"user":"alice","delta":{"nested":{"deeper":[1,[2,[3]]]}}}"#,
            #"{"user":{"id":"alice"},"delta":1}"#,
            #"{"user":"alice","delta":1,"delta":1}"#,
            #"{"user":"alice","user":"bob","delta":1}"#,
            #"{"user":"alice","delta":"1"}"#,
            #"{"user":"alice","delta":1"#,
            #"{"user":"alice","delta":1}}"#,
            #"{"user":"alice","delta":1,"extra":true}"#,
            #"{"user":"alice","score":1,"delta":1}"#,
            #"{"user":"alice"}"#,
            #"{"user":"al ice","delta":1}"#,
            #"{"user":"alice","delta":0x10}"#,
            #"{"user":"alice","delta":+1}"#,
            #"{"user":"alice","delta":1,"ts":"yesterday"}"#,
            #"[{"user":"alice","delta":1}]"#,
            "\"alice\"",
            "alice,1,2,3",
            "alice,1,yesterday",
            "alice,lots",
            ",5",
            "{" + String(repeating: #""a":{"#, count: 600) + String(repeating: "}", count: 601),
            #"{"user":"alice","delta":"# + String(repeating: "[", count: 1500) + String(repeating: "]", count: 1500) + "}",
        ].map { Array($0.utf8) }
        let megabyte = Array(#"{"user":"alice","delta":1,"reason":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + Array(#""}"#.utf8)
        let nul = Array(#"{"user":"alice","#.utf8) + [0] + Array(#""delta":1}"#.utf8)
        let nulInString = Array(#"{"user":"ali"#.utf8) + [0] + Array(#"ce","delta":1}"#.utf8)
        let badUTF8 = Array(#"{"user":"alice","delta":1,"reason":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let overlong = Array(#"{"user":"alice","delta":1,"reason":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        let surrogate = Array(#"{"user":"alice","delta":1,"reason":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)
        let badCSV = [0xFF, 0xFE] + Array("alice,1".utf8)
        return text + [megabyte, nul, nulInString, badUTF8, overlong, surrogate, badCSV]
    }

    /// Random bytes that cannot form a valid line: no newline, no comma (so not CSV), no `{`
    /// (so not a JSON object), and a first byte that is neither white space nor `#` (so
    /// neither blank nor a comment).
    static func randomGarbageLine() -> [UInt8] {
        let excluded: Set<UInt8> = [UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ","), UInt8(ascii: "{")]
        let length = Int.random(in: 1...300)
        var line: [UInt8] = []
        while line.count < length {
            let byte = UInt8.random(in: 0...255)
            if excluded.contains(byte) { continue }
            if line.isEmpty && (byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C || byte == UInt8(ascii: "#")) { continue }
            line.append(byte)
        }
        return line
    }
}
