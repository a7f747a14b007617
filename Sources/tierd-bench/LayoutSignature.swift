import TrafficControl

/// A comparable summary of a traffic control tree read back from the kernel: every qdisc,
/// class, filter and map entry reduced to the fields both builders control; burst values
/// are left out (kernel tick rounding). Used to prove the `tc` floor builds tierd's tree.
///
/// Filters are compared by kind, parent, priority, protocol, classid and the program they
/// run, not by their whole name: tierd names a filter `<program>:<version>`
/// (`ColdBuildScript.filterName(program:)`), while `tc ... bpf object-pinned` names it after
/// the pinned file (`<program>:[*fsobj]`, the pins being named after the programs).
/// Map entries are compared exactly (prefix and class handle).
struct LayoutSignature {
    private(set) var objects: [String: Int] = [:]
    private(set) var counts = ObjectCounts()

    init(_ state: KernelState) {
        for (side, direction) in [("download", state.download), ("upload", state.upload)] {
            for qdisc in direction.qdiscs {
                add("\(side) qdisc \(hex(qdisc.handle)) parent \(hex(qdisc.parent)) \(qdisc.kind) limit \(qdisc.limit.map(String.init) ?? "-")")
            }
            for cls in direction.classes {
                add("\(side) class \(hex(cls.handle)) parent \(hex(cls.parent)) rate \(cls.rate) ceil \(cls.ceil) quantum \(cls.quantum)")
            }
            for filter in direction.filters {
                add("\(side) filter parent \(hex(filter.parent)) prio \(filter.priority) proto \(hex(UInt32(filter.proto))) \(filter.kind) \(program(filter)) classid \(filter.classid.map(hex) ?? "-")")
            }
            for (prefix, handle) in direction.entries {
                add("\(side) entry \(prefix) -> \(hex(handle))")
            }
            counts.qdiscs += direction.qdiscs.count
            counts.classes += direction.classes.count
            counts.filters += direction.filters.count + direction.entries.count
        }
        for filter in state.hooks {
            add("hook \(TCHandle.text(filter.parent)) prio \(filter.priority) proto \(hex(UInt32(filter.proto))) \(filter.kind) \(program(filter)) classid \(filter.classid.map(hex) ?? "-")")
        }
        counts.filters += state.hooks.count
        counts.qdiscs += state.ingressQdiscKind == nil ? 0 : 1
    }

    private mutating func add(_ key: String) { objects[key, default: 0] += 1 }

    /// Objects present in one tree and not the other, first `limit` of each side.
    func differences(from other: LayoutSignature, limit: Int = 5) -> [String] {
        var onlyHere: [String] = []
        var onlyThere: [String] = []
        for (key, count) in objects where (other.objects[key] ?? 0) < count { onlyHere.append(key) }
        for (key, count) in other.objects where (objects[key] ?? 0) < count { onlyThere.append(key) }
        return onlyHere.sorted().prefix(limit).map { "tierd only: \($0)" } + onlyThere.sorted().prefix(limit).map { "tc only: \($0)" }
            + (onlyHere.count + onlyThere.count > 2 * limit ? ["... \(onlyHere.count) tierd-only and \(onlyThere.count) tc-only kinds in all"] : [])
    }
}

/// Kernel object counts of one tree (both directions plus ingress).
struct ObjectCounts: Codable, Equatable {
    var qdiscs = 0
    var classes = 0
    var filters = 0
}

private func hex(_ value: UInt32) -> String { String(value, radix: 16) }

/// The program a filter runs, from its name without what follows the first ":" (tierd's
/// version, or tc's "[*fsobj]"); "-" for a filter without a name (not cls_bpf).
private func program(_ filter: FilterState) -> String {
    filter.programName.map { String($0.prefix { $0 != ":" }) } ?? "-"
}
