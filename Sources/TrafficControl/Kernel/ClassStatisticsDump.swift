import CNetlink
import Glibc

/// The statistics of every HTB class on one device, by handle, from a raw RTM_GETTCLASS dump.
///
/// `tierctl top` reads these for up to 100,000 classes every refresh. libnl's class cache
/// builds a full object for each class (HTB parameters, rate tables, a hash entry), which took
/// 2.8 s for tierd's 50k-user tree; reading only the kind and `TCA_STATS2` from the messages
/// leaves the kernel's own dump as the cost.
enum ClassStatisticsDump {
    static func statistics(socket: OpaquePointer, device: Device) throws -> [UInt32: DirectionCounters] {
        var statistics: [UInt32: DirectionCounters] = [:]
        try TCDump.run(socket: socket, request: Int32(RTM_GETTCLASS), replyType: Int32(RTM_NEWTCLASS),
                       ifindex: device.ifindex, operation: "dump classes", label: device.name) { header in
            let (tc, attributes, length) = TCDump.attributes(header)
            guard let kind = nla_find(attributes, length, Int32(TCA_KIND)), String(cString: nla_get_string(kind)) == "htb",
                  let nested = nla_find(attributes, length, Int32(TCA_STATS2)) else { return }
            statistics[tc.tcm_handle] = counters(nested)
        }
        return statistics
    }

    /// Bytes and packets from `TCA_STATS_BASIC` (packets from the 64-bit `TCA_STATS_PKT64`
    /// when the kernel sends it), drops and overlimits from `TCA_STATS_QUEUE`.
    static func counters(_ stats: UnsafeMutablePointer<nlattr>) -> DirectionCounters {
        let start = nla_data(stats).assumingMemoryBound(to: nlattr.self)
        let length = nla_len(stats)
        var result = DirectionCounters(bytes: 0, packets: 0, drops: 0, overlimits: 0)
        if let basic = nla_find(start, length, Int32(TCA_STATS_BASIC)), nla_len(basic) >= 12 {
            let raw = UnsafeRawPointer(nla_data(basic)!)
            result.bytes = raw.loadUnaligned(as: UInt64.self)
            result.packets = UInt64(raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        }
        if let packets = nla_find(start, length, Int32(TCA_STATS_PKT64)), nla_len(packets) >= 8 {
            result.packets = nla_get_u64(packets)
        }
        if let queue = nla_find(start, length, Int32(TCA_STATS_QUEUE)), nla_len(queue) >= Int32(MemoryLayout<gnet_stats_queue>.size) {
            let stats = UnsafeRawPointer(nla_data(queue)!).loadUnaligned(as: gnet_stats_queue.self)
            result.drops = UInt64(stats.drops)
            result.overlimits = UInt64(stats.overlimits)
        }
        return result
    }
}
