import Foundation
import SystemPackage

/// Reads and writes the state snapshot in `state_dir`.
public struct StateStore: Sendable {
    public let directory: FilePath
    public var snapshotPath: FilePath { directory.appending("state.json") }
    public var auditPath: FilePath { directory.appending("audit.jsonl") }

    public init(directory: String) {
        self.directory = FilePath(directory)
    }

    /// Makes sure the directory exists (systemd's StateDirectory= normally did already).
    public func prepare() throws {
        try DurableFile.makeDirectory(directory)
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String, any Error)
        case unsupportedVersion(String, Int)
        public var description: String {
            switch self {
            case .unreadable(let path, let error): "state snapshot \(path) is unreadable: \(error)"
            case .unsupportedVersion(let path, let version): "state snapshot \(path) has version \(version), this tierd reads \(StateSnapshot.currentVersion)"
            }
        }
    }

    /// The last snapshot, or nil on first start.
    public func load() throws(LoadError) -> StateSnapshot? {
        let bytes: [UInt8]?
        do { bytes = try DurableFile.read(snapshotPath) } catch { throw .unreadable(snapshotPath.string, error) }
        guard let bytes else { return nil }
        let snapshot: StateSnapshot
        do { snapshot = try JSONDecoder().decode(StateSnapshot.self, from: Data(bytes)) } catch {
            throw .unreadable(snapshotPath.string, error)
        }
        guard snapshot.version == StateSnapshot.currentVersion else {
            throw .unsupportedVersion(snapshotPath.string, snapshot.version)
        }
        return snapshot
    }

    public func save(_ snapshot: StateSnapshot) throws {
        let data = try JSONEncoder().encode(snapshot)
        try DurableFile.replace(snapshotPath, with: data)
    }
}
