import CLibBPF
import CTierdBPF
import Glibc

/// tierd's BPF classifier in the kernel: the three programs of `bpf/classify.bpf.c` and the
/// maps they share, either loaded from the embedded object or adopted from the filters a
/// previous run attached.
///
/// Adoption starts from the filters: a filter's dump names its program id, the program names
/// its maps' ids, and the filter's name says which version of the object it runs. The
/// objects are opened from their bpffs pins (`BPFPinDirectory`) when there are pins, which
/// needs no CAP_SYS_ADMIN, else by id. A pin is used only when it holds the object the
/// filter names, so a stale pin never wins over the kernel's state. Programs and maps live
/// as long as a filter, a pin or a descriptor holds them.
final class Classifier {
    enum Program: String, CaseIterable, Sendable {
        /// clsact egress of the interface: destination address -> download class (skb->priority).
        case down = "tierd_down"
        /// clsact ingress of the interface: source address -> upload class, redirect to the IFB.
        case up = "tierd_up"
        /// cls_bpf on both root HTBs: skb->priority's major -> shard class.
        case shard = "tierd_shard"
    }

    /// The first 12 hex digits of the embedded object's SHA-256: a filter named with another
    /// version runs other code and is replaced (with its maps reused) by `load`.
    static let version = String(String(cString: tierd_classify_object_sha256()).prefix(12))

    /// Capacity of each hash map of hosts and each trie of prefixes, per direction and family.
    /// The maps allocate on insert (BPF_F_NO_PREALLOC), so a large limit costs nothing unused.
    static let hostCapacity: UInt32 = 262_144
    static let netCapacity: UInt32 = 65_536

    static func filterName(_ program: Program) -> String { "\(program.rawValue):\(version)" }

    /// The program a filter name stands for, and whether it is this version's.
    static func program(named name: String) -> (program: Program, current: Bool)? {
        let parts = name.split(separator: ":", maxSplits: 1)
        guard let program = parts.first.flatMap({ Program(rawValue: String($0)) }) else { return nil }
        return (program, parts.count == 2 && parts[1] == version)
    }

    let programs: [Program: BPFDescriptor]
    /// Every map by its name in the object ("down_host4", "shard_of", ...).
    let maps: [String: BPFMap]
    /// How the objects were come by.
    let origin: ClassifierOrigin

    private init(programs: [Program: BPFDescriptor], maps: [String: BPFMap], origin: ClassifierOrigin) {
        self.programs = programs
        self.maps = maps
        self.origin = origin
    }

    static let mapNames: [String] = ["down", "up"].flatMap { side in AddressMapKey.Kind.allCases.map { "\(side)_\($0.suffix)" } }
        + ["shard_of", "up_config"]

    /// Whether every program and map is there.
    var isComplete: Bool { programs.count == Program.allCases.count && Self.mapNames.allSatisfy { maps[$0] != nil } }

    /// The maps that hold one direction's addresses.
    func addressMaps(_ side: KeySide) -> AddressMaps? {
        let prefix = side == .destination ? "down_" : "up_"
        var byKind: [AddressMapKey.Kind: BPFMap] = [:]
        for kind in AddressMapKey.Kind.allCases {
            guard let map = maps[prefix + kind.suffix] else { return nil }
            byKind[kind] = map
        }
        return AddressMaps(maps: byKind)
    }

    // MARK: adoption

    /// The programs with the given ids (from filter dumps) and the maps they use, from `pins`
    /// where they hold those objects, else by id; programs that cannot be opened are left
    /// out. Nothing in the kernel changes.
    static func adopt(programIDs: [Program: UInt32], pins: BPFPinDirectory? = nil) -> Classifier {
        var programs: [Program: BPFDescriptor] = [:]
        var maps: [String: BPFMap] = [:]
        var pinnedMaps: [UInt32: BPFDescriptor] = [:]
        var openedByID = 0
        for name in pins == nil ? [] : mapNames {
            if let descriptor = pins?.open(name), let id = BPFPinDirectory.objectID(descriptor.fd) { pinnedMaps[id] = descriptor }
        }
        for (program, id) in programIDs {
            let fromPin = pinned(program.rawValue, id: id, in: pins)
            guard let descriptor = fromPin ?? openByID(bpf_prog_get_fd_by_id(id)) else { continue }
            if fromPin == nil { openedByID += 1 }
            programs[program] = descriptor
            for mapID in mapIDs(ofProgram: descriptor.fd) {
                let fromPin = pinnedMaps[mapID]
                if fromPin == nil { openedByID += 1 }
                if let map = openMap(fromPin ?? openByID(bpf_map_get_fd_by_id(mapID))), maps[map.name] == nil { maps[map.name] = map }
            }
        }
        return Classifier(programs: programs, maps: maps, origin: openedByID == 0 ? .pins : .ids)
    }

    /// The object pinned as `name`, when the pin holds the object with kernel id `id`.
    private static func pinned(_ name: String, id: UInt32, in pins: BPFPinDirectory?) -> BPFDescriptor? {
        guard let descriptor = pins?.open(name), BPFPinDirectory.objectID(descriptor.fd) == id else { return nil }
        return descriptor
    }

    private static func openByID(_ fd: Int32) -> BPFDescriptor? { fd >= 0 ? BPFDescriptor(fd) : nil }

    /// Pins every program and map held (replacing pins of other objects); the errors of the
    /// pins that failed.
    func pin(in pins: BPFPinDirectory) -> [TrafficControlError] {
        let objects = programs.map { ($0.key.rawValue, $0.value) } + maps.map { ($0.key, $0.value.descriptor) }
        return objects.compactMap { name, descriptor in
            pins.pin(name, descriptor).map {
                TrafficControlError(operation: "pin", object: "BPF \(name) in \(pins.path)", reason: String(cString: strerror($0)), errno: $0)
            }
        }
    }

    private static func mapIDs(ofProgram fd: Int32) -> [UInt32] {
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0, info.nr_map_ids > 0 else { return [] }
        var ids = [UInt32](repeating: 0, count: Int(info.nr_map_ids))
        return ids.withUnsafeMutableBufferPointer { buffer in
            var query = bpf_prog_info()
            query.nr_map_ids = UInt32(buffer.count)
            query.map_ids = UInt64(UInt(bitPattern: buffer.baseAddress))
            var length = UInt32(MemoryLayout<bpf_prog_info>.size)
            guard bpf_obj_get_info_by_fd(fd, &query, &length) == 0 else { return [] }
            return Array(buffer.prefix(Int(query.nr_map_ids)))
        }
    }

    /// One of the classifier's maps (by the name the kernel reports), else nil.
    private static func openMap(_ descriptor: BPFDescriptor?) -> BPFMap? {
        guard let descriptor else { return nil }
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        guard bpf_obj_get_info_by_fd(descriptor.fd, &info, &length) == 0 else { return nil }
        let name = withUnsafeBytes(of: info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard mapNames.contains(name) else { return nil }
        return BPFMap(name: name, descriptor: descriptor, keySize: Int(info.key_size))
    }

    // MARK: loading

    /// Loads the embedded object: new programs, with `reusing`'s maps where it has them (so
    /// a replaced or re-attached program keeps the entries in force) and new maps otherwise.
    static func load(reusing existing: Classifier? = nil) throws -> Classifier {
        silenceLibbpf
        var options = bpf_object_open_opts()
        options.sz = MemoryLayout<bpf_object_open_opts>.size
        let object = tierd_classify_object_name.withCString { name -> OpaquePointer? in
            options.object_name = name
            return bpf_object__open_mem(tierd_classify_object(), Int(tierd_classify_object_size()), &options)
        }
        guard let object else {
            throw TrafficControlError(operation: "open", object: "BPF classifier object", reason: "libbpf could not parse the embedded object")
        }
        defer { bpf_object__close(object) }
        for name in mapNames {
            guard let map = bpf_object__find_map_by_name(object, name) else {
                throw TrafficControlError(operation: "open", object: "BPF map \(name)", reason: "missing from the embedded object")
            }
            if let reused = existing?.maps[name] {
                let rc = bpf_map__reuse_fd(map, reused.descriptor.fd)
                guard rc == 0 else { throw failure("reuse map", name, rc) }
            } else if name.hasSuffix("host4") || name.hasSuffix("host6") {
                _ = bpf_map__set_max_entries(map, hostCapacity)
            } else if name.hasSuffix("net4") || name.hasSuffix("net6") {
                _ = bpf_map__set_max_entries(map, netCapacity)
            }
        }
        let rc: Int32 = bpf_object__load(object)
        guard rc == 0 else {
            let code: Int32 = -rc
            throw TrafficControlError(operation: "load", object: "BPF classifier",
                                      reason: "\(String(cString: strerror(code))) (tierd needs BPF, cls_bpf and clsact: CONFIG_BPF_SYSCALL, CONFIG_NET_CLS_BPF, CONFIG_NET_SCH_INGRESS)",
                                      errno: code)
        }
        // The object closes its descriptors when it goes: keep duplicates.
        var programs: [Program: BPFDescriptor] = [:]
        for program in Program.allCases {
            guard let handle = bpf_object__find_program_by_name(object, program.rawValue) else {
                throw TrafficControlError(operation: "load", object: "BPF program \(program.rawValue)", reason: "missing from the embedded object")
            }
            programs[program] = BPFDescriptor(dup(bpf_program__fd(handle)))
        }
        var maps: [String: BPFMap] = [:]
        for name in mapNames {
            let map = bpf_object__find_map_by_name(object, name)!
            maps[name] = BPFMap(name: name, descriptor: BPFDescriptor(dup(bpf_map__fd(map))), keySize: Int(bpf_map__key_size(map)))
        }
        return Classifier(programs: programs, maps: maps, origin: .loaded)
    }

    private static func failure(_ operation: String, _ object: String, _ rc: Int32) -> TrafficControlError {
        TrafficControlError(operation: operation, object: "BPF \(object)", reason: String(cString: strerror(-rc)), errno: -rc)
    }

    private static let tierd_classify_object_name = "tierd_classify"

    /// libbpf prints warnings to stderr by default; tierd reports failures itself, with the object.
    private static let silenceLibbpf: Void = {
        _ = libbpf_set_print(nil)
    }()
}

/// One direction's four address maps, and the prefix -> class handle view the engine works on.
struct AddressMaps {
    let maps: [AddressMapKey.Kind: BPFMap]

    func set(_ prefix: IPPrefix, _ handle: UInt32) -> TrafficControlError? {
        let map = maps[AddressMapKey.kind(of: prefix)]!
        return map.set(AddressMapKey.key(prefix), handle).map {
            TrafficControlError(operation: "set map entry", object: "\(map.name) \(prefix) -> \(TCHandle.text(handle))",
                                reason: String(cString: strerror($0)), errno: $0)
        }
    }

    func delete(_ prefix: IPPrefix) -> TrafficControlError? {
        let map = maps[AddressMapKey.kind(of: prefix)]!
        return map.delete(AddressMapKey.key(prefix)).map {
            TrafficControlError(operation: "delete map entry", object: "\(map.name) \(prefix)", reason: String(cString: strerror($0)), errno: $0)
        }
    }

    /// Every entry of the four maps. Keys tierd would never write (a host key in a trie, a
    /// malformed prefix) come back as `foreign`, for deletion.
    func read() throws -> (entries: [IPPrefix: UInt32], foreign: [(map: BPFMap, key: [UInt8])]) {
        var entries: [IPPrefix: UInt32] = [:]
        var foreign: [(map: BPFMap, key: [UInt8])] = []
        for (kind, map) in maps {
            for (key, value) in try map.entries() {
                if let prefix = AddressMapKey.prefix(key, kind: kind) {
                    entries[prefix] = value
                } else {
                    foreign.append((map, key))
                }
            }
        }
        return (entries, foreign)
    }
}

extension Classifier {
    /// The kernel id of one of the held programs (what a filter dump reports for it).
    func programID(_ program: Program) -> UInt32? {
        guard let descriptor = programs[program] else { return nil }
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        return bpf_obj_get_info_by_fd(descriptor.fd, &info, &length) == 0 ? info.id : nil
    }
}
