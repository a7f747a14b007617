#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Low-level file helpers for `StateDirectory`, which does every write in `state_dir`
/// (relative to its descriptor, never through a symbolic link).
enum DurableFile {
    /// Reads an open file to its end.
    static func readAll(_ fd: FileDescriptor) throws(Errno) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch {
                throw error as? Errno ?? Errno.ioError
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    /// Creates a directory (and its parents) if missing.
    static func makeDirectory(_ path: FilePath, mode: FilePermissions = [.ownerReadWriteExecute, .groupReadExecute]) throws(Errno) {
        var current = FilePath(path.root?.string ?? "")
        for component in path.components {
            current.append(component)
            if mkdir(current.string, mode.rawValue) != 0 && errno != EEXIST {
                throw Errno(rawValue: errno)
            }
        }
    }
}
