// Release-mode measurement of FeedBenchmark (splitter + parser), built by bench.sh
// without the rest of the package so it runs in seconds.
@main
enum FeedBenchMain {
    static func main() {
        let lines = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 2_000_000
        for run in 1...3 {
            let rate = FeedBenchmark.ingestLinesPerSecond(lines: lines)
            print("run \(run): \(Int(rate)) lines/s (\(lines) lines)")
        }
    }
}
