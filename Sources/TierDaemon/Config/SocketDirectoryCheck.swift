#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `tierd --check` can tell about the file system without starting anything: the
/// directories the sockets are bound in and the feed file lives in.
///
/// WHY only in `--check`: loading (start, reload) must not depend on directories that
/// systemd creates as the unit starts; `--check` is where an operator expects to hear,
/// before a start fails with "cannot bind". A socket directory that does not exist (or
/// is not a directory) is an error at the key's line. The one exception is the shipped
/// unit's `RuntimeDirectory=tierd`: systemd creates `/run/tierd` before `ExecStartPre`
/// runs, so a missing `/run/tierd` on a stopped system is only a warning. A missing feed
/// file directory is a warning too: the daemon runs without it (health says degraded)
/// and follows the feed once it exists.
enum SocketDirectoryCheck {
    /// What is at a directory path.
    enum DirectoryState: Sendable, Equatable {
        case directory
        case missing
        case notADirectory
        /// `stat` failed otherwise (e.g. permission): nothing to say for sure.
        case unknown
    }

    /// The directory the shipped systemd unit has created for it (`RuntimeDirectory=tierd`).
    static let unitRuntimeDirectory = "/run/tierd"

    static func check(
        _ configuration: DaemonConfiguration, index: TOMLSourceIndex,
        state: (String) -> DirectoryState = Self.state(of:)
    ) -> (errors: [ConfigError], warnings: [String]) {
        let file = configuration.sourcePath
        var errors: [ConfigError] = []
        var warnings: [String] = []
        let sockets: [(key: [String], path: String?)] = [
            (["daemon", "control_socket"], configuration.daemon.controlSocket),
            (["feed", "socket"], configuration.feed.socket),
        ]
        for (key, path) in sockets {
            guard let path else { continue }
            let directory = directory(of: path)
            let line = index.nearestLine(of: key)
            let name = key.joined(separator: ".")
            switch state(directory) {
            case .directory, .unknown:
                continue
            case .missing where directory == unitRuntimeDirectory:
                warnings.append(ConfigNotice.warning(file: file, line: line, "\(name) \(path): directory \(directory) does not exist yet; systemd creates it when it starts tierd (RuntimeDirectory=tierd), outside systemd create it first"))
            case .missing:
                errors.append(ConfigError(file: file, line: line, message: "\(name) \(path): directory \(directory) does not exist, so the socket cannot be created"))
            case .notADirectory:
                errors.append(ConfigError(file: file, line: line, message: "\(name) \(path): \(directory) is not a directory, so the socket cannot be created"))
            }
        }
        if let feed = configuration.feed.file {
            let directory = directory(of: feed)
            if state(directory) == .missing {
                warnings.append(ConfigNotice.warning(file: file, line: index.nearestLine(of: ["feed", "file"]), "feed.file \(feed): directory \(directory) does not exist; tierd runs without the file feed (health degraded) until it does"))
            }
        }
        return (errors, warnings)
    }

    /// What is at `path` now (following symbolic links, as `bind` does).
    static func state(of path: String) -> DirectoryState {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT, ENOTDIR: return .missing  // it, or a directory above it, is not there
            default: return .unknown
            }
        }
        return info.st_mode & S_IFMT == S_IFDIR ? .directory : .notADirectory
    }

    /// The directory part of a configured path (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
