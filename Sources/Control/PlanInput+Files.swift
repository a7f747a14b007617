import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file `PlanInput.read` could not use: unreadable, not UTF-8, or over the size limit.
/// Clients exit 66 (EX_NOINPUT) for it: nothing was sent.
public struct PlanInputError: Error, Sendable, CustomStringConvertible {
    public static let exitCode: Int32 = 66
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

extension PlanInput {
    /// Reads the files a plan asks about, in the client (which runs as the operator and can
    /// read their files, unlike a sandboxed daemon). Paths are made absolute from the current
    /// directory, since the daemon resolves the config's relative paths against its path.
    public static func read(configPath: String, usersPath: String?) throws(PlanInputError) -> PlanInput {
        PlanInput(config: try readFile(configPath), users: try usersPath.map { path throws(PlanInputError) in try readFile(path) })
    }

    static func readFile(_ path: String) throws(PlanInputError) -> File {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        func failure(_ reason: String) -> PlanInputError { PlanInputError(path: path, reason: reason) }
        // POSIX calls rather than Foundation's, so the reason is the system's ("Permission denied").
        let fd = open(absolute, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw failure("not a regular file") }
        guard Int(info.st_size) <= maximumFileBytes else {
            throw failure("larger than \(maximumFileBytes >> 20) MiB (\(info.st_size) bytes)")
        }
        var bytes = [UInt8](repeating: 0, count: maximumFileBytes + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes[count...].withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw failure(String(cString: strerror(errno))) }
            if got == 0 { break }
            count += got
        }
        guard count <= maximumFileBytes else { throw failure("larger than \(maximumFileBytes >> 20) MiB") }
        guard let text = String(validating: bytes[..<count], as: UTF8.self) else { throw failure("not UTF-8 text") }
        return File(path: absolute, text: text)
    }
}

/// `read(2)`, named apart from `PlanInput.read`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
