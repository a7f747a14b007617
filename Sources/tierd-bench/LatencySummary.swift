/// Percentiles of a set of latency samples, in microseconds.
struct LatencySummary: Codable {
    var samples: Int
    var p50Microseconds: Double
    var p99Microseconds: Double
    var maxMicroseconds: Double

    init(seconds: [Double]) {
        let sorted = seconds.sorted()
        samples = sorted.count
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let index = min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)
            return sorted[max(0, index)] * 1e6
        }
        p50Microseconds = percentile(0.50)
        p99Microseconds = percentile(0.99)
        maxMicroseconds = (sorted.last ?? .nan) * 1e6
    }
}
