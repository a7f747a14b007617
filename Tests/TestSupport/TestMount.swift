/// A filesystem a test mounted on a directory, for the helpers that own one
/// (`SmallFilesystem`, `PrivateBPFFilesystem`). Needs root.
final class TestMount {
    let path: String
    private var mounted = true

    /// Runs `mount -t type [-o options] source path`.
    init(type: String, source: String, options: String? = nil, on path: String) throws {
        try CommandRunner.run(["mount", "-t", type] + (options.map { ["-o", $0] } ?? []) + [source, path])
        self.path = path
    }

    /// Unmounts, lazily should something still hold it open (idempotent).
    func unmount() {
        guard mounted else { return }
        if (try? CommandRunner.run(["umount", path])) == nil {
            _ = try? CommandRunner.run(["umount", "-l", path])
        }
        mounted = false
    }
}
