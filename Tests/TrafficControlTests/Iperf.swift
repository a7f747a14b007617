import Foundation
import TestSupport

/// iperf3 JSON results, reduced to what the traffic tests check.
struct IperfResult {
    /// Receiver-side goodput over the whole run (omitted seconds excluded), bit/s.
    var receivedBitsPerSecond: Double
    /// Per-interval receiver-side goodput: (start s, end s, bit/s).
    var intervals: [(start: Double, end: Double, bitsPerSecond: Double)]

    init(json: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let end = object["end"] as? [String: Any],
              let received = end["sum_received"] as? [String: Any],
              let bits = received["bits_per_second"] as? Double else {
            throw CommandError(command: ["iperf3"], status: 0, output: "unexpected JSON: \(json.prefix(500))")
        }
        receivedBitsPerSecond = bits
        intervals = ((object["intervals"] as? [[String: Any]]) ?? []).compactMap { interval in
            guard let sum = interval["sum"] as? [String: Any], let start = sum["start"] as? Double,
                  let stop = sum["end"] as? Double, let rate = sum["bits_per_second"] as? Double,
                  (sum["omitted"] as? Bool) != true else { return nil }
            return (start, stop, rate)
        }
    }
}

extension Thread {
    /// Sleeps until a point of the continuous clock (no-op when it has passed).
    static func sleep(until instant: ContinuousClock.Instant) {
        let remaining = instant - ContinuousClock.now
        guard remaining > .zero else { return }
        let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
        Thread.sleep(forTimeInterval: seconds)
    }
}
