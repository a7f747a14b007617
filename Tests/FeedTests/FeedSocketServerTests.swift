import TestSupport
import Control
import Feed
import FeedParsing
import Foundation
import Scoring
import Synchronization
import Testing
import TestSupport

/// Records what the server hands to the daemon.
final class BatchRecorder: Sendable {
    private let batches = Mutex<[[ScoreEvent]]>([])

    var all: [[ScoreEvent]] { batches.withLock { $0 } }
    var users: [String] { all.flatMap { $0.map(\.user) } }

    func record(_ events: [ScoreEvent]) {
        batches.withLock { $0.append(events) }
    }
}

@Suite(.timeLimit(.minutes(1))) struct FeedSocketServerTests {
    /// Runs `body` against a started server, and stops it afterwards.
    func withServer(
        parser: FeedLineParser = FeedLineParser(),
        limits: FeedSocketLimits = .init(),
        onBatch: (@Sendable ([ScoreEvent]) async throws -> Void)? = nil,
        _ body: (String, FeedSocketServer, BatchRecorder) async throws -> Void
    ) async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("feed.sock")
        let recorder = BatchRecorder()
        let server = FeedSocketServer(path: path, parser: parser, limits: limits, onBatch: onBatch ?? { recorder.record($0) })
        try await server.start()
        do {
            try await body(path, server, recorder)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func replyComesAfterTheBatchAndHasTheContractFormat() async throws {
        try await withServer { path, _, recorder in
            let socket = try RawUnixSocket(connectingTo: path)
            socket.send("{\"user\":\"alice\",\"score\":640}\nnonsense\n\n# note\nbob,delta=-4")
            socket.shutdownWrite()
            let reply = await socket.readAll()
            #expect(reply == #"{"accepted":2,"rejected":1,"errors":[{"line":2,"reason":"not_json_or_csv"}]}"# + "\n")
            #expect(recorder.all == [[ScoreEvent(user: "alice", change: .set(640)), ScoreEvent(user: "bob", change: .delta(-4))]])
        }
    }

    @Test func clientHelperDecodesTheReply() async throws {
        try await withServer { path, _, recorder in
            let reply = try await FeedSocketClient.push(lines: ["alice,640", "{\"user\":\"bob\",\"score\":NaN}"], to: path)
            #expect(reply == FeedPushReply(accepted: 1, rejected: 1, rejections: [FeedLineRejection(line: 2, reason: .nonFiniteNumber)]))
            #expect(recorder.users == ["alice"])
            let event = ScoreEvent(user: "carol", change: .delta(-40), timestamp: 1_795_755_600, reason: "abuse-report")
            #expect(try await FeedSocketClient.push(events: [event], to: path) == FeedPushReply(accepted: 1, rejected: 0, errors: []))
            #expect(recorder.all.last == [event])
        }
    }

    @Test func fiftyProducersAreServedWhileAnotherStalls() async throws {
        try await withServer { path, _, recorder in
            let staller = try RawUnixSocket(connectingTo: path)
            staller.send("stalled,1\n")
            let started = ContinuousClock.now
            let replies = try await withThrowingTaskGroup(of: FeedPushReply.self) { group in
                for producer in 0..<50 {
                    group.addTask {
                        let lines = (0..<20).map { "p\(producer)-\($0),\($0)" } + ["bad line"]
                        return try await FeedSocketClient.push(lines: lines, to: path)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(replies.count == 50)
            #expect(replies.allSatisfy { $0 == FeedPushReply(accepted: 20, rejected: 1, rejections: [FeedLineRejection(line: 21, reason: .notJSONOrCSV)]) })
            #expect(Set(recorder.users).count == 1000)
            #expect(!recorder.users.contains("stalled"))
            staller.shutdownWrite()
            #expect(await staller.readAll().hasPrefix(#"{"accepted":1,"#))
        }
    }

    @Test func overLongLineIsRejectedAndTheRestApplied() async throws {
        try await withServer(parser: FeedLineParser(maxLineLength: 100)) { path, _, recorder in
            let reply = try await FeedSocketClient.push(lines: [String(repeating: "x", count: 2_000_000), "alice,1"], to: path)
            #expect(reply == FeedPushReply(accepted: 1, rejected: 1, rejections: [FeedLineRejection(line: 1, reason: .lineTooLong)]))
            #expect(recorder.users == ["alice"])
        }
    }

    @Test func connectionsOverTheLimitAreRefusedPolitely() async throws {
        try await withServer(limits: FeedSocketLimits(maxConnections: 2)) { path, server, _ in
            let first = try RawUnixSocket(connectingTo: path)
            let second = try RawUnixSocket(connectingTo: path)
            let deadline = ContinuousClock.now + .seconds(5)
            while server.connectionCount < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            await #expect(throws: FeedSocketRefusal.self) {
                _ = try await FeedSocketClient.push(lines: ["alice,1"], to: path)
            }
            let raw = try RawUnixSocket(connectingTo: path)
            raw.shutdownWrite()
            #expect(await raw.readAll() == #"{"accepted":0,"rejected":0,"errors":[],"error":"too_many_connections","message":"the feed socket is at its connection limit; retry later"}"# + "\n")
            first.shutdownWrite()
            _ = await first.readAll()
            second.shutdownWrite()
            _ = await second.readAll()
            while server.connectionCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(try await FeedSocketClient.push(lines: ["alice,1"], to: path).accepted == 1)
        }
    }

    @Test func idleProducerIsToldAndItsEventsAreNotApplied() async throws {
        try await withServer(limits: FeedSocketLimits(idleTimeout: .milliseconds(300))) { path, _, recorder in
            let socket = try RawUnixSocket(connectingTo: path)
            socket.send("alice,1\n")
            let reply = await socket.readAll()
            #expect(reply.hasPrefix(#"{"accepted":0,"rejected":1,"errors":[],"error":"idle_timeout""#), "\(reply)")
            #expect(recorder.all.isEmpty)
        }
    }

    @Test func eventsAreHandedOverInBoundedChunks() async throws {
        try await withServer(limits: FeedSocketLimits(maxEventsPerBatch: 10)) { path, _, recorder in
            let reply = try await FeedSocketClient.push(lines: (0..<95).map { "u\($0),\($0)" }, to: path)
            #expect(reply.accepted == 95)
            #expect(recorder.users == (0..<95).map { "u\($0)" })
            #expect(recorder.all.allSatisfy { $0.count <= 10 })
            #expect(recorder.all.count == 10)
        }
    }

    @Test func errorListIsCapped() async throws {
        try await withServer(limits: FeedSocketLimits(maxReportedErrors: 3)) { path, _, _ in
            let reply = try await FeedSocketClient.push(lines: Array(repeating: "junk", count: 10), to: path)
            #expect(reply.rejected == 10)
            #expect(reply.errors.map(\.line) == [1, 2, 3])
        }
    }

    /// Events the daemon refuses on receipt (a timestamp too far ahead) reach the producer
    /// as rejected lines with their own line numbers, across chunks, in line order.
    @Test func eventsRefusedByTheReceiverAreReportedWithTheirLines() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("feed.sock")
        let reported = Mutex<[FeedRejectionReason: Int]?>(nil)
        let server = FeedSocketServer(
            path: path, parser: FeedLineParser(), limits: FeedSocketLimits(maxEventsPerBatch: 2),
            onBatch: { events in
                events.indices.filter { events[$0].timestamp ?? 0 > 4_000_000_000 }
                    .map { FeedEventRefusal(index: $0, reason: .futureTimestamp) }
            },
            onRejections: { counts, _ in reported.withLock { $0 = counts } })
        try await server.start()
        let reply = try await FeedSocketClient.push(lines: [
            "a,1", #"{"user":"b","score":2,"ts":"2099-01-01T00:00:00Z"}"#, "junk", "c,3",
            #"{"user":"d","score":4,"ts":4070908800}"#,
        ], to: path)
        await server.stop()
        #expect(reply == FeedPushReply(accepted: 2, rejected: 3, rejections: [
            FeedLineRejection(line: 2, reason: .futureTimestamp), FeedLineRejection(line: 3, reason: .notJSONOrCSV),
            FeedLineRejection(line: 5, reason: .futureTimestamp),
        ]))
        #expect(reported.withLock { $0 } == [.futureTimestamp: 2, .notJSONOrCSV: 1])
    }

    @Test func applyFailureIsReported() async throws {
        struct DiskFull: Error {}
        try await withServer(onBatch: { _ in throw DiskFull() }) { path, _, _ in
            await #expect(throws: FeedSocketRefusal.self) {
                _ = try await FeedSocketClient.push(lines: ["alice,1"], to: path)
            }
        }
    }

    /// A refusal is a whole reply line: what was made durable before it is `accepted`, the
    /// rest `rejected`, and `message` says why (a producer reading only the counts still
    /// reads a well-formed line).
    @Test func aRefusalAfterSomeBatchesCountsWhatWasApplied() async throws {
        struct DiskFull: Error, CustomStringConvertible {
            var description: String { "/var/lib/tierd/journal-1.jsonl: No space left on device (errno 28)" }
        }
        let calls = Mutex(0)
        let onBatch: @Sendable ([ScoreEvent]) async throws -> Void = { _ in
            if calls.withLock({ $0 += 1; return $0 }) > 1 { throw DiskFull() }
        }
        try await withServer(limits: FeedSocketLimits(maxEventsPerBatch: 2), onBatch: onBatch) { path, _, _ in
            let socket = try RawUnixSocket(connectingTo: path)
            socket.send("a,1\nb,2\njunk\nc,3\nd,4\n")
            socket.shutdownWrite()
            let reply = await socket.readAll()
            #expect(reply == #"{"accepted":2,"rejected":3,"errors":[{"line":3,"reason":"not_json_or_csv"}],"error":"apply_failed","message":"the events were not applied: /var/lib/tierd/journal-1.jsonl: No space left on device (errno 28)"}"# + "\n")
        }
    }

    @Test func socketFileModeAndStaleSocketReplacement() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("feed.sock")
        // A stale socket file left by a crashed daemon.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(stale)
        #expect(FileManager.default.fileExists(atPath: path))
        let server = FeedSocketServer(path: path, parser: FeedLineParser()) { _ in }
        try await server.start()
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(try await FeedSocketClient.push(lines: ["a,1"], to: path).accepted == 1)
        await server.stop()

        // Never delete a file that is not a socket.
        let regular = dir.file("not-a-socket")
        _ = FileManager.default.createFile(atPath: regular, contents: Data("keep".utf8))
        let refused = FeedSocketServer(path: regular, parser: FeedLineParser()) { _ in }
        await #expect(throws: (any Error).self) { try await refused.start() }
        #expect(FileManager.default.contents(atPath: regular) == Data("keep".utf8))
    }

    /// A second server (a second tierd) must neither take over nor delete a socket that a
    /// running server listens on: it refuses, and the running one keeps serving.
    @Test func liveSocketIsRefusedAndKept() async throws {
        try await withServer { path, _, recorder in
            var before = stat()
            #expect(stat(path, &before) == 0)
            let second = FeedSocketServer(path: path, parser: FeedLineParser()) { _ in }
            await #expect(throws: FeedSocketPathError.socketInUse(path: path)) { try await second.start() }
            await second.stop()
            var after = stat()
            #expect(stat(path, &after) == 0)
            #expect(after.st_ino == before.st_ino)
            let reply = try await FeedSocketClient.push(lines: ["alice,1"], to: path)
            #expect(reply.accepted == 1)
            #expect(recorder.users == ["alice"])
        }
    }

    /// Stopping removes the socket file only while it is still the one this server bound.
    @Test func stopLeavesAReplacedSocketFileAlone() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("feed.sock")
        let server = FeedSocketServer(path: path, parser: FeedLineParser()) { _ in }
        try await server.start()
        // Someone else's file now at the path (as after a stale-file replacement by another process).
        #expect(rename(path, dir.file("moved.sock")) == 0)
        _ = FileManager.default.createFile(atPath: path, contents: Data("other".utf8))
        await server.stop()
        #expect(FileManager.default.contents(atPath: path) == Data("other".utf8))
    }

    @Test func unreachableSocketIsReportedWithItsErrno() async throws {
        let dir = try TemporaryDirectory()
        await #expect(throws: FeedPushError.cannotConnect(path: dir.file("none.sock"), errno: ENOENT)) {
            _ = try await FeedSocketClient.push(lines: ["a,1"], to: dir.file("none.sock"))
        }
    }

    @Test func stopEndsOpenConnectionsWithoutApplyingOrReplying() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("feed.sock")
        let recorder = BatchRecorder()
        let server = FeedSocketServer(path: path, parser: FeedLineParser()) { recorder.record($0) }
        try await server.start()
        let socket = try RawUnixSocket(connectingTo: path)
        socket.send("alice,1\n")
        let deadline = ContinuousClock.now + .seconds(5)
        while server.connectionCount < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        await server.stop()
        #expect(await socket.readAll() == "")
        #expect(recorder.all.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
