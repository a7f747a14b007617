/// HTB class settings as `tc` arguments, computed exactly like TrafficControl's
/// `ClassSpec.user` (rate = ceil, burst >= max(1 ms of rate, 2 frames), quantum = rate/10
/// clamped to one frame ... 200000), so both baselines build classes identical to tierd's.
struct HTBParameters {
    let rate: UInt64
    let burst: UInt64
    let quantum: UInt64
    let mtu: UInt64

    init(rate: UInt64, mtu: UInt64 = 1500) {
        let frame = mtu + 14
        let bytesPerSecond = rate / 8
        self.rate = rate
        self.mtu = mtu
        burst = min(max(bytesPerSecond / 1000, 2 * frame), UInt64(UInt32.max / 2))
        quantum = min(max(bytesPerSecond / 10, frame), 200_000)
    }

    /// The `htb ...` part of a `tc class add` line.
    var arguments: String {
        "htb rate \(rate)bit ceil \(rate)bit burst \(burst) cburst \(burst) quantum \(quantum) mtu \(mtu)"
    }
}

/// The leaf qdisc part of a `tc qdisc` line, as TrafficControl's `TCRequests.addQdisc` sets it.
enum LeafQdisc {
    static func arguments(kind: String) -> String {
        switch kind {
        case "fq_codel": return "fq_codel flows 64"
        case "pfifo", "bfifo": return "\(kind) limit 1000"
        default: return kind
        }
    }
}

/// A handle as `tc` writes it ("7164:1a").
func tcHandle(_ major: UInt32, _ minor: UInt32? = nil) -> String {
    "\(String(major, radix: 16)):\(minor.map { String($0, radix: 16) } ?? "")"
}
