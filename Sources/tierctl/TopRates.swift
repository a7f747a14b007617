import Control

/// One user's line in `tierctl top`: traffic between two counter samples.
struct TopRow: Sendable, Equatable {
    var user: String
    var tier: String
    /// bit/s; nil when the user has no class in that direction (an unthrottled tier).
    var download: Double?
    var upload: Double?
    /// Packets dropped in the interval, both directions.
    var drops: UInt64
}

/// Rates from two `CounterSample`s: byte counter differences over the time between them.
enum TopRates {
    /// Rows for every user of `current`. A user absent from `previous`, or whose counter went
    /// down (its class was created anew, so the counter restarted from zero), is counted from
    /// zero. Without a previous sample, or with the same one twice, every rate is zero.
    static func rows(previous: CounterSample?, current: CounterSample) -> [TopRow] {
        let interval = previous.map { current.takenAt - $0.takenAt } ?? 0
        var before: [String: Int] = [:]
        if let previous, interval > 0 {
            before.reserveCapacity(previous.users.count)
            for (index, user) in previous.users.enumerated() { before[user] = index }
        }
        func delta(_ now: UInt64?, _ then: UInt64?) -> UInt64 {
            guard let now else { return 0 }
            guard let then, now >= then else { return now }
            return now - then
        }
        return current.users.indices.map { index in
            let user = current.users[index]
            let old = before[user]
            func rate(_ column: KeyPath<CounterSample, CounterSample.DirectionColumns>) -> Double? {
                guard let bytes = current[keyPath: column].bytes[index] else { return nil }
                guard let previous, let old, interval > 0 else { return interval > 0 ? Double(bytes) * 8 / interval : 0 }
                return Double(delta(bytes, previous[keyPath: column].bytes[old])) * 8 / interval
            }
            var drops: UInt64 = 0
            if interval > 0, let previous {
                drops = delta(current.download.drops[index], old.flatMap { previous.download.drops[$0] })
                    + delta(current.upload.drops[index], old.flatMap { previous.upload.drops[$0] })
            }
            return TopRow(user: user, tier: current.tiers[index], download: rate(\.download), upload: rate(\.upload), drops: drops)
        }
    }
}
