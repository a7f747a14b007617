import Feed
import FeedParsing
import Foundation
import Synchronization
import Testing
import TestSupport

/// Hostile or broken things at the feed path: each is reported as a `FeedFileError`, none
/// blocks, none is read, and following resumes as soon as a regular file is back.
@Suite struct FeedFileHazardTests {
    let parser = FeedLineParser()

    func drain(_ follower: FeedFileFollower) throws(FeedFileError) -> [String] {
        var users: [String] = []
        while let batch = try follower.readAvailable() { users += batch.events.map(\.user) }
        return users
    }

    /// The error `readAvailable` throws now, nil if it does not throw.
    func failure(_ follower: FeedFileFollower) -> FeedFileError? {
        do {
            _ = try follower.readAvailable()
            return nil
        } catch {
            return error
        }
    }

    @Test func directoryAtThePathFailsAndARegularFileResumes() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\n")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(try drain(follower) == ["a"])
        try dir.remove("feed")
        try FileManager.default.createDirectory(atPath: dir.file("feed"), withIntermediateDirectories: false)
        #expect(failure(follower) == .notARegularFile(path: dir.file("feed"), kind: "directory"))
        #expect(failure(follower) == .notARegularFile(path: dir.file("feed"), kind: "directory"), "stays failed")
        try FileManager.default.removeItem(atPath: dir.file("feed"))
        try dir.write("feed", "b,2\n")
        #expect(try drain(follower) == ["b"])
    }

    /// Opening a FIFO for reading used to wait for a writer, holding a thread; now it fails
    /// at once and holds no reader (a non-blocking writer finds none: ENXIO).
    @Test(.timeLimit(.minutes(1))) func fifoAtThePathNeitherBlocksNorStaysOpen() throws {
        let dir = try TemporaryDirectory()
        #expect(mkfifo(dir.file("feed"), 0o644) == 0)
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(failure(follower) == .notARegularFile(path: dir.file("feed"), kind: "FIFO"))
        let writer = open(dir.file("feed"), O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        let writerErrno = errno
        if writer >= 0 { close(writer) }
        #expect(writer < 0 && writerErrno == ENXIO, "the follower keeps the FIFO open for reading")
        try dir.remove("feed")
        try dir.write("feed", "c,3\n")
        #expect(try drain(follower) == ["c"])
    }

    /// A symbolic link to an endless device renamed over the feed: the old file is finished,
    /// the device is refused without a single read, and a regular file after it is followed.
    @Test(arguments: ["/dev/zero", "/dev/urandom"])
    func symlinkToADeviceRenamedOverTheFeed(device: String) throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\n")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(try drain(follower) == ["a"])
        try dir.append("feed", "b,2\n")
        #expect(symlink(device, dir.file("link")) == 0)
        try dir.rename("link", "feed")
        #expect(try follower.readAvailable()?.events.map(\.user) == ["b"], "the old file's last lines still count")
        #expect(failure(follower) == .notARegularFile(path: dir.file("feed"), kind: "character device"))
        try dir.write("next", "c,3\n")
        try dir.rename("next", "feed")
        #expect(try drain(follower) == ["c"])
    }

    /// As root, the file's mode would not stop the read: the check runs with the calling
    /// thread's file-system uid set to nobody (per thread on Linux, so nothing else running
    /// in this process is affected), which also drops CAP_DAC_OVERRIDE for that thread.
    @Test(.enabled(if: geteuid() == 0, "switches the thread's file-system uid"))
    func unreadableFileFailsWithPermissionDeniedAndRecovers() throws {
        let dir = try TemporaryDirectory()
        #expect(chmod(dir.path, 0o755) == 0)
        try dir.write("feed", "a,1\n")
        #expect(chmod(dir.file("feed"), 0o600) == 0)
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        let nobody: uid_t = 65534
        let error = Self.asFileSystemUser(nobody) { failure(follower) }
        #expect(error == .system(call: "open", path: dir.file("feed"), errno: EACCES))
        #expect(chmod(dir.file("feed"), 0o644) == 0)
        #expect(Self.asFileSystemUser(nobody) { try? drain(follower) } == ["a"])
    }

    @Test func directoryRemovedAndRecreated() throws {
        let dir = try TemporaryDirectory()
        let feedDirectory = dir.file("spool")
        let path = feedDirectory + "/feed"
        try FileManager.default.createDirectory(atPath: feedDirectory, withIntermediateDirectories: false)
        try "a,1\n".write(toFile: path, atomically: false, encoding: .utf8)
        let follower = FeedFileFollower(path: path, parser: parser, resumeFrom: nil)
        #expect(try drain(follower) == ["a"])
        try FileManager.default.removeItem(atPath: feedDirectory)
        #expect(failure(follower) == .directoryMissing(directory: feedDirectory))
        try FileManager.default.createDirectory(atPath: feedDirectory, withIntermediateDirectories: false)
        #expect(try drain(follower) == [], "an empty directory is a wait, not a failure")
        try "b,2\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try drain(follower) == ["b"])
    }

    @Test func missingDirectoryAtStartIsAFailureNotACrash() throws {
        let dir = try TemporaryDirectory()
        let follower = FeedFileFollower(path: dir.file("nowhere/feed"), parser: parser, resumeFrom: nil)
        #expect(failure(follower) == .directoryMissing(directory: dir.file("nowhere")))
    }

    @Test func errorsNameThePathAndTheReason() {
        #expect(FeedFileError.notARegularFile(path: "/x/feed", kind: "FIFO").description == "/x/feed is a FIFO, not a regular file")
        #expect(FeedFileError.directoryMissing(directory: "/x").description == "directory /x does not exist")
        #expect(FeedFileError.system(call: "open", path: "/x/feed", errno: EACCES).description == "open /x/feed: Permission denied (errno 13)")
    }

    /// The running follower: a problem is reported (not thrown), the run goes on, and
    /// both a regular file replacing a directory and a re-created directory are followed
    /// again (the lost inotify watch is re-added).
    @Test(.timeLimit(.minutes(1))) func runReportsFailuresAndRecoversWithoutEnding() async throws {
        let dir = try TemporaryDirectory()
        let feedDirectory = dir.file("spool")
        let path = feedDirectory + "/feed"
        try FileManager.default.createDirectory(atPath: feedDirectory, withIntermediateDirectories: false)
        try "a,1\n".write(toFile: path, atomically: false, encoding: .utf8)
        let follower = FeedFileFollower(path: path, parser: parser, resumeFrom: nil)
        let seen = LockedUsers()
        let reports = Mutex<[FeedFileError?]>([])
        let task = Task {
            try await follower.run(onFailureChange: { error in reports.withLock { $0.append(error) } }) { batch in
                seen.append(batch.events.map(\.user))
            }
        }
        func waitUntil(_ condition: () -> Bool) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(10)
            while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            return condition()
        }
        #expect(try await waitUntil { seen.value == ["a"] })
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(try await waitUntil { follower.failure == .notARegularFile(path: path, kind: "directory") })
        try FileManager.default.removeItem(atPath: path)
        try "b,2\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try await waitUntil { seen.value == ["a", "b"] && follower.failure == nil })
        try FileManager.default.removeItem(atPath: feedDirectory)
        #expect(try await waitUntil { follower.failure == .directoryMissing(directory: feedDirectory) })
        try FileManager.default.createDirectory(atPath: feedDirectory, withIntermediateDirectories: false)
        try "c,3\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try await waitUntil { seen.value == ["a", "b", "c"] && follower.failure == nil })
        try "d,4\n".write(toFile: path + ".tmp", atomically: false, encoding: .utf8)
        #expect(rename(path + ".tmp", path) == 0)
        #expect(try await waitUntil { seen.value == ["a", "b", "c", "d"] }, "followed in the re-created directory")
        task.cancel()
        try await task.value
        #expect(reports.withLock { $0 } == [
            .notARegularFile(path: path, kind: "directory"), nil, .directoryMissing(directory: feedDirectory), nil,
        ])
    }

    /// Runs `body` on this thread with the given file-system uid (and gid), then restores both.
    static func asFileSystemUser<T>(_ uid: uid_t, _ body: () -> T) -> T {
        // <sys/fsuid.h> is not in the Glibc module: look the functions up in libc.
        typealias SetFileSystemID = @convention(c) (UInt32) -> Int32
        let setfsuid = unsafeBitCast(dlsym(nil, "setfsuid"), to: SetFileSystemID.self)
        let setfsgid = unsafeBitCast(dlsym(nil, "setfsgid"), to: SetFileSystemID.self)
        let oldGID = setfsgid(uid)
        let oldUID = setfsuid(uid)
        defer {
            _ = setfsuid(UInt32(oldUID))
            _ = setfsgid(UInt32(oldGID))
        }
        return body()
    }
}
