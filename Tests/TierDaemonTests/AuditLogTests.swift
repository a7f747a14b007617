import Foundation
import Scoring
import SystemPackage
import Testing
@testable import TierDaemon

struct AuditLogTests {
    @Test func oneJSONLinePerChangeWithTheDocumentedFields() throws {
        let path = "/tmp/tierdt-audit-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AuditLog(path: FilePath(path))
        try log.record([
            TierChange(user: "alice", from: "full", to: "reduced", at: 1_800_000_000, score: 640.12345, rule: .threshold, reason: "abuse-report")
        ])
        let text = try String(contentsOfFile: path, encoding: .utf8)
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
