import Foundation
import Glibc
import SystemPackage
import Testing
import TestSupport
@testable import TierDaemon

/// Files in state_dir are written through the directory's descriptor: atomically, never
/// through a symbolic link or into a file with other hard links, and into a recreated
/// directory when the old one was removed.
struct StateDirectoryTests {
    @Test func replaceWritesWholeFileAndLeavesNoTemporary() throws {
        try withTemporaryDirectory { dir in
            let state = try StateDirectory(configured: FilePath(dir.path))
            #expect(try state.read("state.json") == nil)
            try state.replace("state.json", with: Array("first".utf8))
            try state.replace("state.json", with: Array("second".utf8))
            #expect(try state.read("state.json") == Array("second".utf8))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["state.json"])
        }
    }

    @Test func symbolicLinksAreRefusedNeverFollowed() throws {
        try withTemporaryDirectory { dir in
            // No newline at the end: the journal replay cuts a torn last line, and once did
            // so through a link, truncating whatever it pointed to.
            try dir.write("target", "precious")
            try FileManager.default.createDirectory(atPath: dir.file("state"), withIntermediateDirectories: false)
            let state = try StateDirectory(configured: FilePath(dir.file("state")))
            for name in ["audit.jsonl", "journal-1.jsonl", "state.json"] {
                #expect(symlink(dir.file("target"), dir.file("state/\(name)")) == 0)
            }

            let audit = AuditLog(directory: state)
            let refused = #expect(throws: PersistenceError.self) {
                try audit.record([TierChangeFixture.change])
            }
            #expect(refused?.cause == .symbolicLink)
            #expect(refused?.description.contains("\(dir.path)/state/audit.jsonl: is a symbolic link") == true)

            let journal = EventJournal(directory: state, mark: JournalMark())
            #expect(throws: PersistenceError.self) { _ = try journal.unappliedEvents(parser: .init(maxLineLength: 100)) }
            #expect(try String(contentsOfFile: dir.file("target"), encoding: .utf8) == "precious")
            #expect(throws: StateStore.LoadError.self) { _ = try StateStore(directory: dir.file("state")).load() }

            // The snapshot's rename replaces the link itself, never what it points to.
            try state.replace("state.json", with: Array("{}".utf8))
            #expect(try String(contentsOfFile: dir.file("target"), encoding: .utf8) == "precious")
            var info = stat()
            #expect(lstat(dir.file("state/state.json"), &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
        }
    }

    @Test func aFileWithOtherHardLinksIsRefused() throws {
        try withTemporaryDirectory { dir in
            let state = try StateDirectory(configured: FilePath(dir.path))
            try dir.write("elsewhere", "")
            #expect(link(dir.file("elsewhere"), dir.file("audit.jsonl")) == 0)
            let refused = #expect(throws: PersistenceError.self) {
                try AuditLog(directory: state).record([TierChangeFixture.change])
            }
            #expect(refused?.description.contains("has 2 hard links") == true)
            #expect(try String(contentsOfFile: dir.file("elsewhere"), encoding: .utf8) == "")
        }
    }

    @Test func aFIFOInPlaceOfAStateFileIsRefusedWithoutHanging() throws {
        try withTemporaryDirectory { dir in
            let state = try StateDirectory(configured: FilePath(dir.path))
            #expect(mkfifo(dir.file("audit.jsonl"), 0o600) == 0)
            #expect(mkfifo(dir.file("state.json"), 0o600) == 0)
            #expect(throws: PersistenceError.self) { try AuditLog(directory: state).record([TierChangeFixture.change]) }
            let refused = #expect(throws: PersistenceError.self) { _ = try state.read("state.json") }
            #expect(refused?.description.contains("not a regular file") == true, "\(String(describing: refused))")
        }
    }

    @Test func aConfiguredSymlinkIsResolvedOnceAtStart() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: false)
            #expect(symlink(dir.file("real"), dir.file("configured")) == 0)
            let state = try StateDirectory(configured: FilePath(dir.file("configured")))
            #expect(state.path.string == dir.file("real"))
            // Pointing the link elsewhere later does not move tierd's writes.
            try FileManager.default.createDirectory(atPath: dir.file("other"), withIntermediateDirectories: false)
            try dir.remove("configured")
            #expect(symlink(dir.file("other"), dir.file("configured")) == 0)
            try state.replace("state.json", with: Array("x".utf8))
            #expect(FileManager.default.fileExists(atPath: dir.file("real/state.json")))
            #expect(!FileManager.default.fileExists(atPath: dir.file("other/state.json")))
        }
    }

    @Test func aRemovedDirectoryIsRecreatedAndAReplacedOneRefused() throws {
        try withTemporaryDirectory { dir in
            let path = dir.file("state")
            let state = try StateDirectory(configured: FilePath(path))
            #expect(try state.revalidate() == false)
            try FileManager.default.removeItem(atPath: path)
            #expect(try state.revalidate() == true)
            try state.replace("state.json", with: Array("x".utf8))
            #expect(FileManager.default.fileExists(atPath: path + "/state.json"))

            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: dir.file("elsewhere"), withIntermediateDirectories: false)
            #expect(symlink(dir.file("elsewhere"), path) == 0)
            let refused = #expect(throws: PersistenceError.self) { _ = try state.revalidate() }
            #expect(refused?.description.hasPrefix(path + ": ") == true, "\(String(describing: refused))")
        }
    }

    @Test(.enabled(if: isRoot(), "needs root to mount a tmpfs"))
    func aFullDiskFailsTheWriteWithPathAndErrnoAndKeepsTheOldContent() throws {
        let disk = try SmallFilesystem(size: "64k")
        defer { disk.remove() }
        let state = try StateDirectory(configured: FilePath(disk.path))
        try state.replace("state.json", with: Array("old".utf8))
        disk.fill()
        let refused = #expect(throws: PersistenceError.self) {
            try state.replace("state.json", with: [UInt8](repeating: 0x41, count: 16 << 10))
        }
        #expect(refused?.errnoCode == ENOSPC)
        #expect(refused?.description == "\(disk.path)/state.json: No space left on device (errno 28)")
        #expect(try state.read("state.json") == Array("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted() == [".filler-1", "state.json"])
        disk.freeUp()
        try state.replace("state.json", with: Array("new".utf8))
        #expect(try state.read("state.json") == Array("new".utf8))
    }
}
