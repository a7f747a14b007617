import Feed
import FeedParsing

/// Runs a whole stream through `FeedLineSplitter` + `FeedLineParser`, in the given
/// chunk sizes, and records each line's outcome by line number.
struct FeedLineCollector {
    var results: [Int: FeedLineResult] = [:]
    var order: [Int] = []

    init(stream: [UInt8], parser: FeedLineParser, chunkSizes: () -> Int) {
        var splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
        var results: [Int: FeedLineResult] = [:]
        var order: [Int] = []
        stream.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + max(1, chunkSizes()))
                splitter.split(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { number, line in
                    order.append(number)
                    switch line {
                    case .tooLong: results[number] = .rejected(.lineTooLong)
                    case .text(let bytes): results[number] = parser.parse(bytes)
                    }
                }
                offset = end
            }
        }
        splitter.finish { number, line in
            order.append(number)
            switch line {
            case .tooLong: results[number] = .rejected(.lineTooLong)
            case .text(let bytes): results[number] = parser.parse(bytes)
            }
        }
        self.results = results
        self.order = order
    }
}
