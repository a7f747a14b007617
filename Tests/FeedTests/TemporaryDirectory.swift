import Foundation

/// A fresh directory under /tmp for one test, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/feedtests.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Replaces the file's content (same inode if it exists: O_TRUNC).
    func write(_ name: String, _ text: String) throws {
        try write(name, text, flags: O_WRONLY | O_CREAT | O_TRUNC)
    }

    func append(_ name: String, _ text: String) throws {
        try write(name, text, flags: O_WRONLY | O_CREAT | O_APPEND)
    }

    private func write(_ name: String, _ text: String, flags: Int32) throws {
        let fd = open(file(name), flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw POSIXError(.EIO)
        }
    }

    func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(file(from), file(to)) == 0 else { throw POSIXError(.EIO) }
    }

    func remove(_ name: String) throws {
        guard unlink(file(name)) == 0 else { throw POSIXError(.EIO) }
    }
}
