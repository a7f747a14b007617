import Feed
import FeedParsing
import Testing

@Suite struct FeedLineSplitterTests {
    /// Splits `chunks` and returns each line as text ("<too long>" for over-long lines).
    func split(_ chunks: [String], max: Int = 100, finish: Bool = false) -> (lines: [String], splitter: FeedLineSplitter) {
        var splitter = FeedLineSplitter(maxLineLength: max)
        var lines: [String] = []
        let handle = { (number: Int, line: FeedLineSplitter.Line) in
            #expect(number == lines.count + 1)
            switch line {
            case .text(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
            case .tooLong: lines.append("<too long>")
            }
        }
        for chunk in chunks {
            var chunk = chunk
            chunk.withUTF8 { splitter.split(UnsafeRawBufferPointer($0), handle) }
        }
        if finish { splitter.finish(handle) }
        return (lines, splitter)
    }

    @Test func linesAcrossChunkBoundaries() {
        let text = "alpha\nbeta\n\ngamma delta\n"
        let whole = split([text])
        let bytewise = split(text.map(String.init))
        #expect(whole.lines == ["alpha", "beta", "", "gamma delta"])
        #expect(bytewise.lines == whole.lines)
        #expect(whole.splitter.completedOffset == UInt64(text.utf8.count))
        #expect(whole.splitter.lineNumber == 4)
    }

    @Test func partialLastLineWaitsForItsNewline() {
        var result = split(["one\ntw"])
        #expect(result.lines == ["one"])
        #expect(result.splitter.hasPendingPartialLine)
        #expect(result.splitter.completedOffset == 4)
        #expect(result.splitter.consumedOffset == 6)
        var more: [String] = []
        "o\nthree".utf8CString.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw.dropLast())
            result.splitter.split(bytes) { _, line in
                if case .text(let b) = line { more.append(String(decoding: b, as: UTF8.self)) }
            }
        }
        #expect(more == ["two"])
        #expect(result.splitter.completedOffset == 8)
        result.splitter.finish { number, line in
            #expect(number == 3)
            if case .text(let b) = line { more.append(String(decoding: b, as: UTF8.self)) }
        }
        #expect(more == ["two", "three"])
        #expect(result.splitter.completedOffset == 13)
        #expect(!result.splitter.hasPendingPartialLine)
    }

    @Test func overLongLineIsReportedOnceAndSkippedToItsNewline() {
        let long = String(repeating: "x", count: 250)
        let inChunks = split(["ok\n", String(long.prefix(90)), String(long.dropFirst(90)), "\nafter\n"], max: 100)
        #expect(inChunks.lines == ["ok", "<too long>", "after"])
        #expect(inChunks.splitter.completedOffset == UInt64(3 + 250 + 1 + 6))
        let oneChunk = split(["ok\n\(long)\nafter\n"], max: 100)
        #expect(oneChunk.lines == inChunks.lines)
        let exact = split([String(repeating: "y", count: 100) + "\n" + String(repeating: "z", count: 101) + "\n"], max: 100)
        #expect(exact.lines == [String(repeating: "y", count: 100), "<too long>"])
        let unterminated = split(["a\n", long], max: 100, finish: true)
        #expect(unterminated.lines == ["a", "<too long>"])
    }

    @Test func resumesLineAndOffsetCounting() {
        var splitter = FeedLineSplitter(maxLineLength: 10, startingLine: 41, startingOffset: 1000)
        var numbers: [Int] = []
        var text = "a\nb\n"
        text.withUTF8 { splitter.split(UnsafeRawBufferPointer($0)) { number, _ in numbers.append(number) } }
        #expect(numbers == [42, 43])
        #expect(splitter.completedOffset == 1004)
    }
}
