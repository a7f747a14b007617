#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Crash-safe file writes: the state snapshot must be either the old or the new version
/// after a `kill -9` or power loss, never a torn mix.
public enum DurableFile {
    /// Writes `bytes` to `path` atomically: temp file in the same directory, fsync, rename
    /// over the target, fsync of the directory (so the rename itself is durable).
    public static func replace(_ path: FilePath, with bytes: some Sequence<UInt8>, mode: FilePermissions = [.ownerReadWrite]) throws {
        let directory = path.removingLastComponent()
        let temporary = directory.appending((path.lastComponent?.string ?? "state") + ".tmp-\(getpid())")
        let fd = try FileDescriptor.open(temporary, .writeOnly, options: [.create, .truncate], permissions: mode)
        do {
            try fd.closeAfter {
                _ = try fd.writeAll(Array(bytes))
                try fsyncOrThrow(fd)
            }
            try rename(temporary, path)
            try syncDirectory(directory)
        } catch {
            _ = try? FileDescriptor.open(temporary, .readOnly).close()
            unlink(temporary.string)
            throw error
        }
    }

    /// Reads a whole file, or nil when it does not exist.
    public static func read(_ path: FilePath) throws -> [UInt8]? {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly)
        } catch Errno.noSuchFileOrDirectory {
            return nil
        }
        return try fd.closeAfter {
            var result: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
                if count == 0 { break }
                result.append(contentsOf: chunk[0..<count])
            }
            return result
        }
    }

    /// fsync on a directory makes a rename or create inside it durable.
    public static func syncDirectory(_ directory: FilePath) throws {
        let fd = try FileDescriptor.open(directory, .readOnly, options: [.directory])
        try fd.closeAfter { try fsyncOrThrow(fd) }
    }

    /// Creates a directory (and its parents) if missing.
    public static func makeDirectory(_ path: FilePath, mode: FilePermissions = [.ownerReadWriteExecute, .groupReadExecute]) throws {
        var current = FilePath(path.root?.string ?? "")
        for component in path.components {
            current.append(component)
            if mkdir(current.string, mode.rawValue) != 0 && errno != EEXIST {
                throw Errno(rawValue: errno)
            }
        }
    }

    static func fsyncOrThrow(_ fd: FileDescriptor) throws {
        if fsync(fd.rawValue) != 0 { throw Errno(rawValue: errno) }
    }

    static func rename(_ from: FilePath, _ to: FilePath) throws {
        if Glibc.rename(from.string, to.string) != 0 { throw Errno(rawValue: errno) }
    }
}
