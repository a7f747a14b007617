import Foundation
import SystemPackage

/// Reads and writes the state snapshot (`state.json`) in `state_dir`.
public struct StateStore {
    public static let snapshotName = "state.json"
    public let directory: StateDirectory
    public var snapshotPath: String { directory.pathOf(Self.snapshotName) }

    /// Opens (and creates if missing) the state directory.
    public init(directory: String) throws(PersistenceError) {
        self.directory = try StateDirectory(configured: FilePath(directory))
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
        do { bytes = try directory.read(Self.snapshotName) } catch { throw .unreadable(snapshotPath, error) }
        guard let bytes else { return nil }
        let snapshot: StateSnapshot
        do { snapshot = try JSONDecoder().decode(StateSnapshot.self, from: Data(bytes)) } catch {
            throw .unreadable(snapshotPath, error)
        }
        guard snapshot.version == StateSnapshot.currentVersion else {
            throw .unsupportedVersion(snapshotPath, snapshot.version)
        }
        return snapshot
    }

    /// Replaces the snapshot atomically and durably; returns only once it is on disk.
    public func save(_ snapshot: StateSnapshot) throws(PersistenceError) {
        let data: Data
        do {
            data = try JSONEncoder().encode(snapshot)
        } catch {
            // Encoding plain numbers and strings does not fail; if it ever did, say so.
            throw PersistenceError(path: snapshotPath, cause: .refused("could not be encoded: \(error)"))
        }
        try directory.replace(Self.snapshotName, with: Array(data))
    }
}
