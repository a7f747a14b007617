#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Scoring
import SystemPackage

/// The audit trail: one JSON line per tier change in `state_dir/audit.jsonl`, so an operator
/// can answer "why was this user slowed down on Tuesday" without keeping debug logs around.
/// Each line records only what tierd itself decided (time, user id, tiers, score, rule,
/// reason); nothing else about the user.
///
/// The file is reopened when it was moved away or removed (logrotate's `mv audit.jsonl
/// audit.jsonl.1`, an operator's `rm`): before each append the open file's identity is
/// compared with what the name refers to now. Lines that could not be written (disk full,
/// a symlink planted in place of the file) wait in memory, up to `pendingLimit` bytes, and
/// go out with the next successful write.
public final class AuditLog {
    public static let name = "audit.jsonl"
    /// Unwritten lines kept while the file cannot be written; beyond this, new ones are dropped
    /// (and counted).
    static let pendingLimit = 1 << 20

    let directory: StateDirectory
    private var descriptor: FileDescriptor?
    private var pending: [UInt8] = []
    /// Lines dropped because `pending` was full, until `takeDropped()`.
    private var dropped = 0

    public var path: String { directory.pathOf(Self.name) }
    /// Whether lines are waiting for the file to become writable again.
    public var hasPending: Bool { !pending.isEmpty }

    public init(directory: StateDirectory) {
        self.directory = directory
    }

    deinit { try? descriptor?.close() }

    /// One audit record, in the order and names an operator reads them.
    struct Record: Encodable {
        let time: String
        let user: String
        let from: String
        let to: String
        let score: Double?
        let rule: String
        let reason: String?

        enum CodingKeys: String, CodingKey { case time, user, from, to, score, rule, reason }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(time, forKey: .time)
            try container.encode(user, forKey: .user)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(score, forKey: .score)
            try container.encode(rule, forKey: .rule)
            try container.encode(reason, forKey: .reason)
        }
    }

    /// Appends the changes (after any lines still pending) as one write, so concurrent
    /// readers never see half a line.
    public func record(_ changes: [TierChange]) throws(PersistenceError) {
        guard !changes.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let formatter = Timestamps.rfc3339Formatter()
        var buffer: [UInt8] = []
        for change in changes {
            let record = Record(
                time: Timestamps.rfc3339(change.at, using: formatter), user: change.user, from: change.fromName, to: change.toName,
                score: change.score.map(Timestamps.rounded), rule: change.rule.rawValue, reason: change.reason)
            guard let line = try? encoder.encode(record) else { continue }
            buffer.append(contentsOf: line)
            buffer.append(UInt8(ascii: "\n"))
        }
        if pending.count + buffer.count > Self.pendingLimit && !pending.isEmpty {
            dropped += changes.count
        } else {
            pending.append(contentsOf: buffer)
        }
        try flush()
    }

    /// Writes the pending lines, reopening the file first if it was moved or removed.
    /// Also the probe for "does the audit log work": with nothing pending it only checks
    /// that the file can be opened.
    public func flush() throws(PersistenceError) {
        let fd = try current()
        guard !pending.isEmpty else { return }
        let before = lseek(fd.rawValue, 0, SEEK_END)
        do {
            _ = try fd.writeAll(pending)
        } catch {
            // Cut a partial line off so the retry writes it whole.
            if before >= 0 { _ = ftruncate(fd.rawValue, before) }
            throw .system(path, error)
        }
        pending.removeAll(keepingCapacity: false)
    }

    /// How many lines were dropped (pending was full) since the last call, for the log
    /// line that says so once the audit log works again.
    public func takeDropped() -> Int {
        defer { dropped = 0 }
        return dropped
    }

    /// The open file, or a newly opened one when the name now refers to another file (or to
    /// none): a rotated or removed log is not appended to any more.
    private func current() throws(PersistenceError) -> FileDescriptor {
        if let descriptor {
            if let open = FileIdentity(descriptor: descriptor), open == directory.identity(of: Self.name) {
                return descriptor
            }
            try? descriptor.close()
            self.descriptor = nil
        }
        let fd = try directory.open(Self.name, O_WRONLY | O_CREAT | O_APPEND, mode: 0o640)
        descriptor = fd
        return fd
    }

    /// Forgets the open file (state_dir was recreated): the next write opens it anew.
    public func reopen() {
        try? descriptor?.close()
        descriptor = nil
    }
}
