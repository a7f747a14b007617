import CTierdBPF
import Foundation
import TrafficControl

/// The kernel floor of a cold build: tierd's own plan (`Shaper.coldBuildScript`, produced by
/// the same engine as `converge`, so the layout cannot drift from tierd's) carried out the way
/// an operator's script would, with the system tools: `tc -batch` for the qdiscs and classes,
/// then the classifier loaded and pinned with `bpftool`, attached with `tc filter replace`,
/// and every map entry written by one `bpftool batch`. Its time is what the kernel and the
/// standard tools need for tierd's tree; `KernelBenchmark` reads both trees back and compares
/// them (`LayoutSignature`), so an unfair floor shows up as a mismatch.
///
/// Not reproduced (in tierd's time only): the IFB's creation and tierd's leaf-kind probe.
enum ColdBuildFloor {
    /// The two timed parts (each the wall time of its processes, including their start).
    struct Outcome {
        /// `tc -batch` of the qdiscs and classes.
        var tcSeconds: Double
        /// mount, map creation, `bpftool prog loadall`, the four `tc filter replace` and the
        /// entries' `bpftool batch`, run as one shell script inside the namespace.
        var classifierSeconds: Double
        var seconds: Double { tcSeconds + classifierSeconds }
    }

    /// Programs the kernel like a cold `prepare()` + `converge(to: desired)` in `namespace`,
    /// whose IFB must exist (its index is the `up_config` entry).
    static func run(_ desired: [ShapedUser], in namespace: BenchNamespace, leafKind: String, spareClasses: Int) throws -> Outcome {
        let ifbIndex = try Shell.inNamespace(namespace.name, ["cat", "/sys/class/net/\(namespace.ifb)/ifindex"])
        guard let index = Int32(ifbIndex.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchFailure("cannot read the interface index of \(namespace.ifb): \(ifbIndex)")
        }
        let script = Shaper.coldBuildScript(desired, interface: namespace.device, ifb: namespace.ifb, ifbIndex: index,
                                            leafKind: leafKind, spareClasses: spareClasses)
        let tc = try TcBatchBaseline.run(script: script.tcBatch.joined(separator: "\n") + "\n", in: namespace)
        let classifier = try loadClassifier(script, in: namespace)
        return Outcome(tcSeconds: tc.seconds, classifierSeconds: classifier)
    }

    /// The object's maps as tierd creates them (`Classifier.load`): the address maps sized at
    /// load time, because the object declares them with one entry (`bpf/classify.bpf.c`).
    /// An operator's script must do the same: create them at this size and hand them to
    /// `bpftool prog loadall`. Sizes as `Classifier.hostCapacity`/`netCapacity`, key sizes as
    /// `AddressMapKey.Kind.keySize` (not public; a mismatch fails the load or the comparison).
    private static let sizedMaps: [SizedMap] = ["down_", "up_"].flatMap { (side: String) -> [SizedMap] in
        [SizedMap(name: side + "host4", type: "hash", keySize: 4, entries: 262_144),
         SizedMap(name: side + "host6", type: "hash", keySize: 16, entries: 262_144),
         SizedMap(name: side + "net4", type: "lpm_trie", keySize: 8, entries: 65_536),
         SizedMap(name: side + "net6", type: "lpm_trie", keySize: 20, entries: 65_536)]
    }

    /// One address map as `bpftool map create` makes it (4-byte values, BPF_F_NO_PREALLOC).
    private struct SizedMap {
        let name: String
        let type: String
        let keySize: Int
        let entries: Int
    }

    /// Loads, attaches and fills the classifier with one shell script run through
    /// `ip netns exec`. That gives the script its own mount namespace, so the private bpffs
    /// it mounts is invisible to the host and unmounted with it even if it is killed; it
    /// also unmounts it itself on exit. The object, the batch files, the script and the mount
    /// point are removed here on every path (and by the signal handler, see `TemporaryPaths`).
    /// The programs and maps stay alive through the attached filters, like tierd's own.
    private static func loadClassifier(_ script: ColdBuildScript, in namespace: BenchNamespace) throws -> Double {
        let object = TemporaryPaths.make(namespace.name + ".bpf.o")
        let sizes = TemporaryPaths.make(namespace.name + ".maps.bpftool")
        let entries = TemporaryPaths.make(namespace.name + ".entries.bpftool")
        let shell = TemporaryPaths.make(namespace.name + ".sh")
        // No "." in the mount point: libbpf turns every "." of a pin path into "_".
        let directory = TemporaryPaths.make(namespace.name + "-bpffs")
        defer {
            for path in [object, sizes, entries, shell, directory] { TemporaryPaths.remove(path) }
        }
        try Data(bytes: tierd_classify_object(), count: Int(tierd_classify_object_size())).write(to: URL(fileURLWithPath: object))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)

        let sized = directory + "/sized", progs = directory + "/progs", maps = directory + "/maps"
        let creates = sizedMaps.map { map in
            "map create \(sized)/\(map.name) type \(map.type) key \(map.keySize) value 4 entries \(map.entries) name \(map.name) flags 1"
        }
        try (creates.joined(separator: "\n") + "\n").write(toFile: sizes, atomically: true, encoding: .utf8)
        var updates: [String] = []
        updates.reserveCapacity(script.entries.count)
        for entry in script.entries {
            let value = withUnsafeBytes(of: entry.value.littleEndian) { Array($0) }
            updates.append("map update pinned \(maps)/\(entry.map) key hex \(hex(entry.key)) value hex \(hex(value))")
        }
        try (updates.joined(separator: "\n") + "\n").write(toFile: entries, atomically: true, encoding: .utf8)

        let reuse = sizedMaps.map { "map name \($0.name) pinned \(sized)/\($0.name)" }.joined(separator: " ")
        var lines = [
            "set -e",
            "mount -t bpf bpf \(directory)",
            "trap 'umount \(directory)' EXIT",
            "mkdir \(sized)",
            "bpftool batch file \(sizes) >/dev/null",
            "bpftool prog loadall \(object) \(progs) \(reuse) pinmaps \(maps)",
        ]
        for attachment in script.attachments {
            lines.append("tc filter replace dev \(attachment.device) \(attachment.parent) protocol all prio \(filterPriority) handle 1 bpf da"
                + " object-pinned \(progs)/\(attachment.program)" + (attachment.classid.map { " classid \($0)" } ?? ""))
        }
        lines.append("bpftool batch file \(entries) >/dev/null")
        try (lines.joined(separator: "\n") + "\n").write(toFile: shell, atomically: true, encoding: .utf8)

        let start = ContinuousClock.now
        try Shell.inNamespace(namespace.name, ["sh", shell])
        return start.duration(to: .now).seconds
    }

    /// tierd's classifier filters: priority 0x7164, handle 1 (Layout.filterPriority, not public).
    private static let filterPriority = 29028

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}
