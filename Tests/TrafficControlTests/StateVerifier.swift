@testable import TrafficControl

/// Checks a device's read-back state against the wanted users, independently of the engine:
/// it only knows the documented layout (root 7164: with tierd's classifier, shard classes and
/// inner qdiscs, one class per throttled user with all of its addresses' map entries pointing
/// at it, a leaf per class, and exactly `spares` ready classes: classes with a leaf that no
/// entry points to).
struct StateVerifier {
    var leafKind: String
    var mtu: UInt64 = 1500
    var spares = 0

    /// Problems found (empty when the state is exactly the wanted one), and user -> class handle.
    func verify(_ state: DirectionState, wanted: [String: (addresses: [IPPrefix], rate: UInt64)]) -> (problems: [String], classes: [String: UInt32]) {
        var problems: [String] = []
        let root: UInt32 = 0x7164_0000
        let classes = Dictionary(state.classes.map { ($0.handle, $0) }, uniquingKeysWith: { a, _ in a })
        let shardClasses = state.classes.filter { $0.parent == root }
        let innerQdiscs = state.qdiscs.filter { qdisc in
            qdisc.kind == "htb" && shardClasses.contains { $0.handle == qdisc.parent }
        }
        let innerHandles = Set(innerQdiscs.map(\.handle))
        let userClasses = state.classes.filter { innerHandles.contains($0.parent) }
        if !state.qdiscs.contains(where: { $0.handle == root && $0.parent == 0xFFFF_FFFF && $0.kind == "htb" }) {
            problems.append("no root htb 7164:")
        }
        let otherClasses = state.classes.filter { $0.parent != root && !innerHandles.contains($0.parent) }
        if !otherClasses.isEmpty { problems.append("classes outside the tree: \(otherClasses)") }

        // The classifier's map entries: prefix -> user class, nothing else.
        let innerTarget = state.entries
        let wantedPrefixes = Set(wanted.values.flatMap(\.addresses))
        if Set(innerTarget.keys) != wantedPrefixes {
            problems.append("map entries: extra \(Set(innerTarget.keys).subtracting(wantedPrefixes).sorted()), missing \(wantedPrefixes.subtracting(innerTarget.keys).sorted())")
        }
        // Only tierd's classifier on the tree's qdiscs, at the root.
        let filters = state.filters.filter { !($0.isTierd && $0.parent == root && $0.programName?.hasSuffix(Classifier.version) == true) }
        if !filters.isEmpty { problems.append("filters that are not the current classifier: \(filters)") }
        if !state.filters.contains(where: { $0.isTierd && $0.parent == root && $0.classid == root }) {
            problems.append("no classifier on the root qdisc")
        }

        var userClass: [String: UInt32] = [:]
        for (user, entry) in wanted {
            let targets = Set(entry.addresses.compactMap { innerTarget[$0] })
            guard targets.count == 1, let handle = targets.first else {
                problems.append("\(user): addresses point to \(targets.count) classes")
                continue
            }
            userClass[user] = handle
            guard let state = classes[handle] else {
                problems.append("\(user): class \(TCHandle.text(handle)) missing")
                continue
            }
            if state.rate != entry.rate || state.ceil != entry.rate {
                problems.append("\(user): class \(TCHandle.text(handle)) rate \(state.rate)/\(state.ceil), wanted \(entry.rate)")
            }
            let minimumBurst = max(entry.rate / 8 / 1000, 2 * mtu)
            if UInt64(state.burst) + 64 < minimumBurst { problems.append("\(user): burst \(state.burst) < \(minimumBurst)") }
            if state.quantum == 0 || state.quantum > 200_000 { problems.append("\(user): quantum \(state.quantum)") }
        }
        let wantedHandles = Set(userClass.values)
        if wantedHandles.count != userClass.count { problems.append("users share classes") }
        let orphans = userClasses.filter { !wantedHandles.contains($0.handle) }
        if orphans.count != spares {
            problems.append("\(orphans.count) classes without a user, wanted \(spares) ready ones: \(orphans.map { TCHandle.text($0.handle) })")
        }
        // A ready class (also one parked after its user left) runs at the shard rate, never
        // at a tier's: `tc class show` must not mistake it for a user's.
        for orphan in orphans where orphan.rate != Layout.spareRate || orphan.ceil != Layout.spareRate {
            problems.append("ready class \(TCHandle.text(orphan.handle)) rate \(orphan.rate)/\(orphan.ceil), wanted the shard rate")
        }
        for userClass in userClasses {
            let leaves = state.qdiscs.filter { $0.parent == userClass.handle }
            if leaves.count != 1 || leaves.first?.kind != leafKind {
                problems.append("class \(TCHandle.text(userClass.handle)) leaves \(leaves)")
            } else if leafKind == "pfifo", leaves.first?.limit ?? 0 <= 0 {
                problems.append("class \(TCHandle.text(userClass.handle)) pfifo without limit")
            }
        }
        return (problems, userClass)
    }
}
