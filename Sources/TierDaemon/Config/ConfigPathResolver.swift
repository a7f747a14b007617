import Foundation
import SystemPackage

/// Turns paths written in the config into absolute ones.
///
/// Input files (`users_file`, `feed.file`) may be relative: they are resolved against the
/// config file's directory, so a config and its users file can move together. Runtime
/// paths (sockets, state dir) must be absolute: there is no sensible base for them.
struct ConfigPathResolver {
    /// Absolute, normalized path of the config file itself.
    let configPath: String
    private let directory: FilePath

    init(configPath path: String) {
        let given = FilePath(path)
        let absolute = given.isAbsolute
            ? given
            : FilePath(FileManager.default.currentDirectoryPath).pushing(given)
        let normalized = absolute.lexicallyNormalized()
        configPath = normalized.string
        directory = normalized.removingLastComponent()
    }

    /// `relative` against the config's directory; absolute paths are only normalized.
    func resolve(_ path: String) -> String {
        directory.pushing(FilePath(path)).lexicallyNormalized().string
    }
}
