// libFuzzer entry for the feed's untrusted-input path: FeedLineParser + FeedLineSplitter.
// Built by run.sh together with the parser sources (not part of the Swift package).
//
// Checks, for every input:
// 1. nothing crashes or trips AddressSanitizer;
// 2. every accepted event is sane (valid id, finite in-range value, sane ts/reason);
// 3. an accepted event printed back as JSON parses to the same event (the parser
//    accepts what it should and reads it exactly);
// 4. splitting the input in one chunk or in input-dependent small chunks gives the
//    same lines and the same results (the splitter is chunking-independent).
import Scoring

@_cdecl("LLVMFuzzerTestOneInput")
public func feedLineFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let parser = FeedLineParser(maxLineLength: 512)
    check(parser.parse(input), parser)
    let whole = splitAndParse(input, parser, chunk: { _ in size })
    let pieces = splitAndParse(input, parser, chunk: { offset in 1 + Int(input[offset] % 7) })
    precondition(whole.map(\.0) == pieces.map(\.0) && whole.map(\.1) == pieces.map(\.1), "splitter results depend on chunking")
    for result in whole { check(result.1, parser) }
    return 0
}

private func splitAndParse(
    _ input: UnsafeRawBufferPointer, _ parser: FeedLineParser, chunk: (Int) -> Int
) -> [(Int, FeedLineResult)] {
    var splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
    var results: [(Int, FeedLineResult)] = []
    let record = { (number: Int, line: FeedLineSplitter.Line) in
        switch line {
        case .tooLong: results.append((number, .rejected(.lineTooLong)))
        case .text(let bytes): results.append((number, parser.parse(bytes)))
        }
    }
    var offset = 0
    while offset < input.count {
        let end = min(input.count, offset + max(1, chunk(offset)))
        splitter.split(UnsafeRawBufferPointer(rebasing: input[offset..<end]), record)
        offset = end
    }
    splitter.finish(record)
    precondition(splitter.completedOffset == UInt64(input.count), "splitter lost bytes")
    return results
}

private func check(_ result: FeedLineResult, _ parser: FeedLineParser) {
    guard case .event(let event) = result else { return }
    let value: Double
    switch event.change {
    case .set(let v), .delta(let v): value = v
    }
    precondition((1...64).contains(event.user.utf8.count), "bad id length")
    precondition(value.isFinite && abs(value) <= FeedLineParser.maxMagnitude, "bad value")
    if let ts = event.timestamp { precondition(ts.isFinite && ts >= 0 && ts < 253_402_300_800, "bad ts") }
    if let reason = event.reason { precondition(reason.utf8.count <= 256, "bad reason") }
    let printed = FeedLineEncoder.jsonLine(for: event)
    precondition(parser.parse(printed) == .event(event), "round trip failed: \(printed)")
}
