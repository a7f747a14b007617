import TestSupport
import Feed
import FeedParsing
import Foundation
import Scoring
import Synchronization
import Testing

@Suite struct FeedFileFollowerTests {
    let parser = FeedLineParser()

    /// The users of all events in all batches until nothing is left.
    func drain(_ follower: FeedFileFollower) throws -> (users: [String], batches: [FeedBatch]) {
        var batches: [FeedBatch] = []
        while let batch = try follower.readAvailable() {
            batches.append(batch)
            #expect(batches.count < 10_000)
        }
        return (batches.flatMap { $0.events.map(\.user) }, batches)
    }

    @Test func appendWithPartialLastLine() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\nb,2\nc,")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        let first = try drain(follower)
        #expect(first.users == ["a", "b"])
        #expect(follower.position.offset == 8)
        #expect(follower.position.line == 2)
        #expect(try drain(follower).users == [])
        try dir.append("feed", "3\n{\"user\":\"d\",\"score\":4}\n")
        let second = try drain(follower)
        #expect(second.batches.flatMap(\.events) == [
            ScoreEvent(user: "c", change: .set(3)), ScoreEvent(user: "d", change: .set(4)),
        ])
        #expect(follower.position.line == 4)
        #expect(try follower.readAvailable() == nil)
    }

    @Test func rejectionsCarryLineNumbersAndCountersAddUp() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\n\n# comment\nbad line\n{\"user\":\"b\"}\nc,3\n")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        let result = try drain(follower)
        #expect(result.users == ["a", "c"])
        #expect(result.batches.flatMap(\.rejections) == [
            FeedLineRejection(line: 4, reason: .notJSONOrCSV), FeedLineRejection(line: 5, reason: .missingScoreOrDelta),
        ])
        #expect(result.batches.map(\.blankLines).reduce(0, +) == 2)
    }

    @Test func truncationRestartsAtZero() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\nb,2\nc,3\n")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(try drain(follower).users == ["a", "b", "c"])
        let inode = follower.position.inode
        try dir.write("feed", "d,4\n")
        #expect(try drain(follower).users == ["d"])
        #expect(follower.position == FeedFilePosition(device: follower.position.device, inode: inode, offset: 4, line: 1))
    }

    @Test func rotationByRenameFinishesTheOldFileFirst() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\n")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(try drain(follower).users == ["a"])
        let oldInode = follower.position.inode
        // The writer adds to the old file (last line unterminated), then replaces it.
        try dir.append("feed", "b,2\nc,3")
        try dir.write("feed.tmp", "n,9\no,10\n")
        try dir.rename("feed.tmp", "feed")
        let result = try drain(follower)
        #expect(result.users == ["b", "c", "n", "o"])
        #expect(result.batches.first?.position.inode == oldInode)
        #expect(follower.position.inode != oldInode)
        #expect(follower.position.line == 2)
        #expect(follower.position.offset == 9)
    }

    @Test func deleteThenRecreate() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\n")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(try drain(follower).users == ["a"])
        try dir.remove("feed")
        #expect(try drain(follower).users == [])
        try dir.write("feed", "b,2\n")
        #expect(try drain(follower).users == ["b"])
        try dir.append("feed", "c,3\n")
        #expect(try drain(follower).users == ["c"])
    }

    @Test func missingFileIsWaitedFor() throws {
        let dir = try TemporaryDirectory()
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(try follower.readAvailable() == nil)
        try dir.write("feed", "a,1\n")
        #expect(try drain(follower).users == ["a"])
    }

    @Test func resumeFromSavedPositionReadsNoLineTwiceAndSkipsNone() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\nb,2\nc,")
        let first = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        #expect(try drain(first).users == ["a", "b"])
        let saved = try JSONDecoder().decode(FeedFilePosition.self, from: JSONEncoder().encode(first.position))
        // While the daemon is down the writer completes the line and adds more.
        try dir.append("feed", "3\nbroken\nd,4\n")
        let second = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: saved)
        let result = try drain(second)
        #expect(result.users == ["c", "d"])
        #expect(result.batches.flatMap(\.rejections) == [FeedLineRejection(line: 4, reason: .notJSONOrCSV)])
        #expect(second.position.line == 5)
    }

    @Test func resumeAfterReplacementWhileDownStartsAtZero() throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\nb,2\n")
        let first = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        _ = try drain(first)
        let saved = first.position
        try dir.write("feed.new", "x,1\n")
        try dir.rename("feed.new", "feed")
        let second = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: saved)
        #expect(try drain(second).users == ["x"])
        // A saved offset beyond the end of the same file means it was truncated: start over.
        let truncated = FeedFileFollower(
            path: dir.file("feed"), parser: parser,
            resumeFrom: FeedFilePosition(device: second.position.device, inode: second.position.inode, offset: 999, line: 50)
        )
        #expect(try drain(truncated).users == ["x"])
    }

    @Test func largeBacklogComesInBoundedBatches() throws {
        let dir = try TemporaryDirectory()
        let count = 20_000
        try dir.write("feed", (0..<count).map { "{\"user\":\"u\($0)\",\"score\":\($0)}\n" }.joined())
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        let result = try drain(follower)
        #expect(result.users == (0..<count).map { "u\($0)" })
        #expect(result.batches.count > 1)
        #expect(result.batches.allSatisfy { $0.events.count <= 64 * 1024 / 24 })
        let offsets = result.batches.map(\.position.offset)
        #expect(offsets == offsets.sorted())
    }

    @Test(.timeLimit(.minutes(1))) func runDeliversAppendsAndRotationsAndStopsOnCancel() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("feed", "a,1\n")
        let follower = FeedFileFollower(path: dir.file("feed"), parser: parser, resumeFrom: nil)
        let seen = LockedUsers()
        let task = Task {
            try await follower.run { batch in
                seen.append(batch.events.map(\.user))
            }
        }
        func waitFor(_ users: [String]) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while seen.value != users, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(seen.value == users)
        }
        try await waitFor(["a"])
        try dir.append("feed", "b,2\n")
        try await waitFor(["a", "b"])
        try dir.write("feed.tmp", "c,3\n")
        try dir.rename("feed.tmp", "feed")
        try await waitFor(["a", "b", "c"])
        try dir.remove("feed")
        try dir.write("feed", "d,4\n")
        try await waitFor(["a", "b", "c", "d"])
        let cancelled = ContinuousClock.now
        task.cancel()
        _ = try? await task.value
        #expect(ContinuousClock.now - cancelled < .seconds(1))
    }
}

/// Users seen by a concurrently running follower or server.
final class LockedUsers: Sendable {
    private let users = Mutex<[String]>([])

    var value: [String] { users.withLock { $0 } }

    func append(_ more: [String]) {
        users.withLock { $0 += more }
    }
}
