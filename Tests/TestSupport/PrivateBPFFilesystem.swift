import Glibc

/// A bpffs instance of the test's own, mounted on a fresh temporary directory: each bpffs
/// mount is a separate filesystem, so pins made in it are seen by no other test or daemon,
/// and unmounting it (`remove()`, also run on deinit) drops every pin left in it. Needs root.
public final class PrivateBPFFilesystem: @unchecked Sendable {
    private let directory: TemporaryDirectory
    private let mount: TestMount

    public var path: String { directory.path }

    public init() throws {
        directory = try TemporaryDirectory(prefix: "tierdt-bpffs")
        do {
            mount = try TestMount(type: "bpf", source: "tierdt-bpffs", on: directory.path)
        } catch {
            directory.remove()
            throw error
        }
    }

    deinit { remove() }

    /// Unmounts (lazily, should something still hold it open) and removes the directory.
    public func remove() {
        mount.unmount()
        directory.remove()
    }

    /// The names in `directory` (relative to the mount), without "." and "..".
    public func list(_ relative: String = "") -> [String] {
        guard let handle = opendir(relative.isEmpty ? path : "\(path)/\(relative)") else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
