import CLibBPF
import Glibc

/// One BPF map of the classifier, by descriptor: element reads and writes through libbpf's
/// thin syscall wrappers (each is one `bpf()` call; no netlink, no RTNL lock).
struct BPFMap: Sendable {
    let name: String
    let descriptor: BPFDescriptor
    let keySize: Int

    /// Sets `key` to `value`; nil on success, else the errno.
    func set(_ key: [UInt8], _ value: UInt32) -> Int32? {
        var value = value
        let rc = key.withUnsafeBytes { bpf_map_update_elem(descriptor.fd, $0.baseAddress, &value, UInt64(BPF_ANY)) }
        return rc < 0 ? -rc : nil
    }

    /// Deletes `key`; a key that is already gone is not an error.
    func delete(_ key: [UInt8]) -> Int32? {
        let rc = key.withUnsafeBytes { bpf_map_delete_elem(descriptor.fd, $0.baseAddress) }
        return rc < 0 && -rc != ENOENT ? -rc : nil
    }

    func value(_ key: [UInt8]) -> UInt32? {
        var value: UInt32 = 0
        let rc = key.withUnsafeBytes { bpf_map_lookup_elem(descriptor.fd, $0.baseAddress, &value) }
        return rc == 0 ? value : nil
    }

    /// Every entry: in batches of 4096 where the map supports it (hash maps: one `bpf()` call
    /// per batch instead of two per entry, which is most of a restart's read at 10k users),
    /// else by walking the keys (tries).
    func entries() throws -> [(key: [UInt8], value: UInt32)] {
        try batchedEntries() ?? walkedEntries()
    }

    /// nil when the map has no batch operations (EINVAL, ENOTSUPP).
    private func batchedEntries() throws -> [(key: [UInt8], value: UInt32)]? {
        let capacity: UInt32 = 4096
        var keys = [UInt8](repeating: 0, count: Int(capacity) * keySize)
        var values = [UInt32](repeating: 0, count: Int(capacity))
        // The batch token is the kernel's bucket cursor: 4 bytes for hash maps; room for more.
        var token = [UInt8](repeating: 0, count: 64)
        var next = [UInt8](repeating: 0, count: 64)
        var result: [(key: [UInt8], value: UInt32)] = []
        var first = true
        while true {
            var count = capacity
            var options = bpf_map_batch_opts()
            options.sz = MemoryLayout<bpf_map_batch_opts>.size
            let rc: Int32 = keys.withUnsafeMutableBytes { keyBytes in
                values.withUnsafeMutableBytes { valueBytes in
                    token.withUnsafeMutableBytes { tokenBytes in
                        next.withUnsafeMutableBytes { nextBytes in
                            bpf_map_lookup_batch(descriptor.fd, first ? nil : tokenBytes.baseAddress, nextBytes.baseAddress,
                                                 keyBytes.baseAddress, valueBytes.baseAddress, &count, &options)
                        }
                    }
                }
            }
            if rc < 0 && rc != -ENOENT {
                if first && (rc == -EINVAL || rc == -524 /* ENOTSUPP */ || rc == -EOPNOTSUPP) { return nil }
                throw TrafficControlError(operation: "read map", object: name, reason: String(cString: strerror(-rc)), errno: -rc)
            }
            for index in 0..<Int(count) {
                result.append((Array(keys[index * keySize..<(index + 1) * keySize]), values[index]))
            }
            if rc == -ENOENT { return result }
            token = next
            first = false
        }
    }

    /// Every entry, by walking the keys. A key deleted during the walk restarts nothing: the
    /// kernel continues from the next bucket.
    private func walkedEntries() throws -> [(key: [UInt8], value: UInt32)] {
        var result: [(key: [UInt8], value: UInt32)] = []
        var current: [UInt8]?
        var next = [UInt8](repeating: 0, count: keySize)
        while true {
            let rc: Int32 = next.withUnsafeMutableBytes { nextBytes in
                if let current {
                    return current.withUnsafeBytes { bpf_map_get_next_key(descriptor.fd, $0.baseAddress, nextBytes.baseAddress) }
                }
                return bpf_map_get_next_key(descriptor.fd, nil, nextBytes.baseAddress)
            }
            if rc == -ENOENT { return result }
            guard rc == 0 else {
                throw TrafficControlError(operation: "read map", object: name, reason: String(cString: strerror(-rc)), errno: -rc)
            }
            if let value = value(next) { result.append((next, value)) }
            current = next
        }
    }
}
