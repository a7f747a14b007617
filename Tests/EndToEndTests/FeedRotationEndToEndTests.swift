import Foundation
import Testing
import TestSupport

/// The feed file as log rotation and careless operators treat it, followed by the running
/// daemon: every step adds deltas to bob, so a line skipped or applied twice shows as a
/// wrong score, not only a wrong tier.
@Suite(.serialized, .enabled(if: isRoot(), "needs root to create network namespaces"))
struct FeedRotationEndToEndTests {
    @Test func followsAppendPartialLineRenameTruncateAndRecreate() throws {
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        let feed = FeedFileEditor(path: daemon.setup.feedPath)
        try daemon.start()
        var bob = 1000.0

        // Append.
        try feed.append(#"{"user":"bob","delta":10}"# + "\n")
        bob += 10
        try expectScore(daemon, "bob", bob, "after append")

        // A partial last line waits for its newline (here: across more than one rescan).
        try feed.append(#"{"user":"bob","del"#)
        usleep(600_000)
        #expect(try daemon.score("bob") == bob, "a partial line was applied")
        try feed.append(#"ta":5}"# + "\n")
        bob += 5
        try expectScore(daemon, "bob", bob, "after completing the partial line")

        // Rename-replace: the old file's unterminated tail counts (its writer is done with
        // it), the new file is read from its start, nothing of the old one twice.
        try feed.append(#"{"user":"bob","delta":3}"#)
        bob += 3
        try feed.replaceByRename(with: #"{"user":"bob","delta":100}"# + "\n" + #"{"user":"alice","delta":-3}"# + "\n")
        bob += 100
        try expectScore(daemon, "bob", bob, "after rename-replace")
        try expectScore(daemon, "alice", 997, "after rename-replace")
        try feed.append(#"{"user":"bob","delta":1}"# + "\n")
        bob += 1
        try expectScore(daemon, "bob", bob, "after appending to the replacement")

        // Truncate and write something shorter: read again from offset 0.
        try feed.truncateAndWrite(#"{"user":"bob","delta":7}"# + "\n")
        bob += 7
        try expectScore(daemon, "bob", bob, "after truncation")
        #expect(try eventually { try daemon.feedHealth()["file_offset"] as? Int == 25 }, "health: \(daemon.feedHealthText())")

        // Delete, wait a little without a file, re-create.
        try feed.delete()
        usleep(300_000)
        #expect(try daemon.healthStatus() == "ok", "a missing feed file is not a daemon failure")
        try feed.append(#"{"user":"bob","delta":-20}"# + "\n" + "bob,2000\n" + #"{"user":"bob","delta":-30}"# + "\n")
        bob = 1970
        try expectScore(daemon, "bob", bob, "after delete and re-create")

        // Restart: resume where it was, no line again; a line appended while it was down applies.
        #expect(daemon.stop() == 0, "log: \(daemon.log)")
        try feed.append(#"{"user":"bob","delta":4}"# + "\n")
        bob += 4
        try daemon.start()
        try expectScore(daemon, "bob", bob, "after restart with an appended line")
        usleep(300_000)
        #expect(try daemon.score("bob") == bob, "a line was re-applied after restart")

        // Rotation while the daemon is down: the new file is read from its start.
        #expect(daemon.stop() == 0)
        try feed.replaceByRename(with: #"{"user":"bob","delta":-100}"# + "\n" + #"{"user":"carol","delta":-1}"# + "\n")
        bob -= 100
        try daemon.start()
        try expectScore(daemon, "bob", bob, "after rotation while down")
        try expectScore(daemon, "carol", 999, "after rotation while down")

        let health = try daemon.feedHealth()
        #expect(health["rejected"] as? Int == 0, "health: \(health)")
    }

    private func expectScore(
        _ daemon: DaemonFixture, _ user: String, _ expected: Double, _ step: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let reached = try eventually(timeout: 5) { try daemon.score(user) == expected }
        #expect(
            reached, "\(step): \(user) is \(daemon.scoreText(user)), expected \(expected); log: \(daemon.log)",
            sourceLocation: sourceLocation)
    }
}

/// The file operations of the rotation test, each the way the corresponding tool does it.
struct FeedFileEditor {
    let path: String

    /// `>>`: open for append, write, close.
    func append(_ text: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try write(fd, text)
    }

    /// logrotate's `create` / an atomic writer: a new file next to it, renamed over the path.
    func replaceByRename(with text: String) throws {
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        try write(fd, text)
        close(fd)
        guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// logrotate's `copytruncate` followed by a new first line: the same inode, shorter.
    func truncateAndWrite(_ text: String) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        guard ftruncate(fd, 0) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        try write(fd, text)
    }

    func delete() throws {
        guard unlink(path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    private func write(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            written += count
        }
    }
}
