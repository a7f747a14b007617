import Foundation
import Scoring
import SystemPackage

/// The audit trail: one JSON line per tier change in `state_dir/audit.jsonl`, so an operator
/// can answer "why was this user slowed down on Tuesday" without keeping debug logs around.
/// Each line records only what tierd itself decided (time, user id, tiers, score, rule,
/// reason); nothing else about the user.
public final class AuditLog: Sendable {
    public let path: FilePath
    private let descriptor: FileDescriptor

    public init(path: FilePath) throws {
        self.path = path
        descriptor = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .append, .closeOnExec],
            permissions: [.ownerReadWrite, .groupRead])
    }

    deinit { try? descriptor.close() }

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

    /// Appends the changes as one write, so concurrent readers never see half a line.
    public func record(_ changes: [TierChange]) throws {
        guard !changes.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let formatter = Timestamps.rfc3339Formatter()
        var buffer = Data()
        for change in changes {
            let record = Record(
                time: Timestamps.rfc3339(change.at, using: formatter), user: change.user, from: change.from, to: change.to,
                score: change.score.map(Timestamps.rounded), rule: change.rule.rawValue, reason: change.reason)
            buffer.append(try encoder.encode(record))
            buffer.append(UInt8(ascii: "\n"))
        }
        _ = try descriptor.writeAll(buffer)
    }
}
