import Foundation
import Glibc

/// A fresh directory under /tmp for one test, removed with everything in it when the test
/// is done: explicitly with `remove()`, and in any case when the object goes away (deinit),
/// so an early `throw` or a failed `#require` cannot leave it behind. The one helper every
/// test target uses for scratch space.
///
/// The path is short (`/tmp/<prefix>-XXXXXX`): Unix socket paths made inside it must fit
/// the 108-byte `sun_path`. For XCTest, create one in `setUp` and call `remove()` in
/// `tearDown`; elsewhere prefer `withTemporaryDirectory { dir in ... }`.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "tierdt") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        path = String(cString: made)
    }

    deinit { remove() }

    /// Removes the directory and everything in it (idempotent).
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Replaces the file's content (same inode if it exists: O_TRUNC).
    public func write(_ name: String, _ text: String) throws {
        try write(name, text, flags: O_WRONLY | O_CREAT | O_TRUNC)
    }

    public func append(_ name: String, _ text: String) throws {
        try write(name, text, flags: O_WRONLY | O_CREAT | O_APPEND)
    }

    public func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(file(from), file(to)) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Removes one file in the directory.
    public func remove(_ name: String) throws {
        guard unlink(file(name)) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
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
}

/// Runs `body` with a fresh temporary directory and removes it afterwards, whatever happens.
public func withTemporaryDirectory<T>(
    prefix: String = "tierdt", _ body: (TemporaryDirectory) throws -> T
) throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try body(directory)
}

/// The async form of `withTemporaryDirectory`.
public func withTemporaryDirectory<T>(
    prefix: String = "tierdt", _ body: (TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try await body(directory)
}
