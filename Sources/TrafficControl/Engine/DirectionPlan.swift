/// One user's wanted class in one direction.
struct WantedClass: Sendable {
    var user: String
    var addresses: [IPPrefix]
    /// bit/s
    var rate: UInt64
}

/// The changes that take one device from its modelled state to the wanted one, in the order
/// the kernel needs: classes and their leaves exist before a map entry points at them; map
/// entries go before their classes do; leftover filters go last.
struct DirectionPlan {
    var classChanges: [NetlinkRequest] = []
    /// Shard classes and inner qdiscs.
    var structure: [NetlinkRequest] = []
    var classCreates: [NetlinkRequest] = []
    var leafCreates: [NetlinkRequest] = []
    /// Map entries to write (a class handle) or delete (nil). A dictionary, so that a prefix
    /// that moves between users within one plan ends with its last owner.
    var entryChanges: [IPPrefix: UInt32?] = [:]
    var classDeletes: [NetlinkRequest] = []
    /// Filters on tierd's HTB qdiscs that are not its classifier (an older layout's u32 tables,
    /// or someone else's).
    var filterDeletes: [NetlinkRequest] = []
    var errors: [TrafficControlError] = []

    /// The netlink requests to send before the map entries change.
    var beforeEntries: [NetlinkRequest] { classChanges + structure + classCreates + leafCreates }
    /// The netlink requests to send after.
    var afterEntries: [NetlinkRequest] { classDeletes + filterDeletes }

    /// How many requests and map entry changes the plan holds.
    var operationCount: Int { beforeEntries.count + entryChanges.count + afterEntries.count }

    /// The plan's first `limit` changes, one line each in the order `Shaper` sends them:
    /// `create class 7200:3 (parent 7200:) on eth1`, `set entry 10.0.0.11 -> 7200:3 on eth1`.
    /// Entries are sorted by address so the same plan always reads the same.
    func operationLines(limit: Int, device deviceName: String) -> [String] {
        guard limit > 0 else { return [] }
        func line(_ request: NetlinkRequest) -> String {
            "\(request.operation.split(separator: " ").first.map(String.init) ?? request.operation) \(request.object)"
        }
        var lines = beforeEntries.prefix(limit).map(line)
        for (prefix, handle) in entryChanges.sorted(by: { $0.key < $1.key }) where lines.count < limit {
            lines.append(handle.map { "set entry \(prefix) -> \(TCHandle.text($0)) on \(deviceName)" } ?? "delete entry \(prefix) on \(deviceName)")
        }
        lines += afterEntries.prefix(limit - lines.count).map(line)
        return lines
    }

    func count(into report: inout ConvergeReport) {
        report.classesChanged += classChanges.count
        report.classesCreated += classCreates.count
        report.qdiscsCreated += leafCreates.count
        for request in structure {
            if request.operation == "create class" { report.classesCreated += 1 } else { report.qdiscsCreated += 1 }
        }
        report.classesDeleted += classDeletes.count
        report.filtersDeleted += filterDeletes.count
        for change in entryChanges.values {
            if change == nil { report.entriesDeleted += 1 } else { report.entriesSet += 1 }
        }
    }
}
