import Foundation
import SystemPackage
import Testing
@testable import TierDaemon

struct DurableFileTests {
    @Test func replaceWritesWholeFileAndLeavesNoTemporary() throws {
        var template = Array("/tmp/tierdt-durable-XXXXXX".utf8CString)
        let directory = FilePath(String(cString: mkdtemp(&template)!))
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let path = directory.appending("state.json")
        #expect(try DurableFile.read(path) == nil)
        try DurableFile.replace(path, with: Array("first".utf8))
        try DurableFile.replace(path, with: Array("second".utf8))
        #expect(try DurableFile.read(path) == Array("second".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.string) == ["state.json"])
    }
}
