import Foundation
import Scoring
import SystemPackage
import Testing
import TestSupport
@testable import TierDaemon

enum TierChangeFixture {
    static let change = TierChange(
        user: "alice", from: Tier(name: "full", minScore: 800),
        to: Tier(name: "reduced", minScore: 500, download: 20_000_000, upload: 5_000_000), at: 1_800_000_000, score: 640.12345, rule: .threshold, reason: "abuse-report")
}

struct AuditLogTests {
    @Test func oneJSONLinePerChangeWithTheDocumentedFields() throws {
        try withTemporaryDirectory { dir in
            let log = AuditLog(directory: try StateDirectory(configured: FilePath(dir.path)))
            try log.record([TierChangeFixture.change])
            let text = try String(contentsOfFile: dir.file("audit.jsonl"), encoding: .utf8)
            #expect(text.hasSuffix("\n"))
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
            #expect(object["user"] as? String == "alice")
            #expect(object["from"] as? String == "full")
            #expect(object["to"] as? String == "reduced")
            #expect(object["score"] as? Double == 640.123)
            #expect(object["rule"] as? String == TierRule.threshold.rawValue)
            #expect(object["reason"] as? String == "abuse-report")
            #expect((object["time"] as? String)?.hasPrefix("2027-01-15T08:00:00") == true)
        }
    }

    /// logrotate's `mv audit.jsonl audit.jsonl.1`, or an operator's `rm`: the next record
    /// goes to a new audit.jsonl, not to the moved or deleted file.
    @Test func aRotatedOrRemovedLogIsReopened() throws {
        try withTemporaryDirectory { dir in
            let log = AuditLog(directory: try StateDirectory(configured: FilePath(dir.path)))
            try log.record([TierChangeFixture.change])
            try dir.rename("audit.jsonl", "audit.jsonl.1")
            try log.record([TierChangeFixture.change, TierChangeFixture.change])
            #expect(try lines(dir.file("audit.jsonl.1")) == 1)
            #expect(try lines(dir.file("audit.jsonl")) == 2)
            try dir.remove("audit.jsonl")
            try log.record([TierChangeFixture.change])
            #expect(try lines(dir.file("audit.jsonl")) == 1)
        }
    }

    /// Lines that could not be written wait and go out once the file is writable again.
    @Test func linesRefusedByASymlinkAreWrittenOnceItIsGone() throws {
        try withTemporaryDirectory { dir in
            let log = AuditLog(directory: try StateDirectory(configured: FilePath(dir.path)))
            try dir.write("target", "")
            #expect(symlink(dir.file("target"), dir.file("audit.jsonl")) == 0)
            #expect(throws: PersistenceError.self) { try log.record([TierChangeFixture.change]) }
            #expect(log.hasPending)
            try dir.remove("audit.jsonl")
            try log.flush()
            #expect(!log.hasPending)
            #expect(try lines(dir.file("audit.jsonl")) == 1)
            #expect(try String(contentsOfFile: dir.file("target"), encoding: .utf8) == "")
        }
    }

    /// While the log cannot be written, at most `pendingLimit` bytes wait; what does not fit
    /// is counted, never silently lost.
    @Test func whatDoesNotFitWhileUnwritableIsCounted() throws {
        try withTemporaryDirectory { dir in
            let log = AuditLog(directory: try StateDirectory(configured: FilePath(dir.path)))
            #expect(symlink(dir.file("nowhere"), dir.file("audit.jsonl")) == 0)
            var refused = 0
            for _ in 0..<100 {
                do { try log.record(Array(repeating: TierChangeFixture.change, count: 100)) } catch { refused += 1 }
            }
            #expect(refused == 100)
            let dropped = log.takeDropped()
            #expect(dropped > 0 && dropped < 10_000, "\(dropped)")
            try dir.remove("audit.jsonl")
            try log.flush()
            #expect(try lines(dir.file("audit.jsonl")) == 10_000 - dropped)
            #expect(log.takeDropped() == 0)
        }
    }

    private func lines(_ path: String) throws -> Int {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count
    }
}
