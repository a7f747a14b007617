/// The full settings of an HTB class, as sent on create and on every change.
///
/// A change must carry everything (libnl aborts on a partial HTB class), so one value type
/// describes both, and the diff compares it with what the kernel reports.
struct ClassSpec: Sendable, Equatable {
    var handle: UInt32
    var parent: UInt32
    /// bit/s
    var rate: UInt64
    /// bit/s
    var ceil: UInt64
    /// bytes
    var burst: UInt32
    /// bytes
    var quantum: UInt32

    /// A user class: rate = ceil, burst >= max(1 ms of rate, 2 frames), explicit quantum
    /// (rate / 10 like r2q, clamped to one frame ... 200000 so the kernel does not warn).
    static func user(handle: UInt32, parent: UInt32, rate: UInt64, mtu: UInt32) -> ClassSpec {
        let frame = UInt64(mtu) + 14
        let bytesPerSecond = rate / 8
        let burst = min(max(bytesPerSecond / 1000, 2 * frame), UInt64(UInt32.max / 2))
        let quantum = min(max(bytesPerSecond / 10, frame), 200_000)
        return ClassSpec(handle: handle, parent: parent, rate: rate, ceil: rate,
                         burst: UInt32(burst), quantum: UInt32(quantum))
    }

    /// A shard class: never limiting, only a home for an inner HTB qdisc.
    static func shard(_ index: Int, mtu: UInt32) -> ClassSpec {
        user(handle: Layout.shardClass(index), parent: Layout.rootHandle, rate: Layout.shardRate, mtu: mtu)
    }

    /// Whether the kernel's class already has these settings. Bursts travel as time in
    /// scheduler ticks, so the value read back differs by rounding: compare within 2%.
    func matches(_ state: ClassState) -> Bool {
        guard state.parent == parent, state.rate == rate, state.ceil == ceil, state.quantum == quantum else { return false }
        let tolerance = max(UInt64(burst) / 50, 64)
        let difference = UInt64(state.burst) > UInt64(burst) ? UInt64(state.burst) - UInt64(burst) : UInt64(burst) - UInt64(state.burst)
        return difference <= tolerance
    }
}
