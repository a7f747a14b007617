import Feed
import FeedParsing
import Foundation
import Scoring
import SystemPackage
import Testing
import TestSupport
@testable import TierDaemon

/// The socket feed's write-ahead journal: what was appended comes back exactly once.
struct EventJournalTests {
    let parser = FeedLineParser(maxLineLength: 4096)

    let scratch: TemporaryDirectory
    let directory: StateDirectory

    init() throws {
        scratch = try TemporaryDirectory(prefix: "tierdt-journal")
        directory = try StateDirectory(configured: FilePath(scratch.path))
    }

    @Test func appendedEventsReplayFromTheMarkOnly() throws {
        let journal = EventJournal(directory: directory, mark: JournalMark())
        #expect(try journal.unappliedEvents(parser: parser).isEmpty)
        try journal.append([ScoreEvent(user: "alice", change: .set(640), reason: "a \"quoted\" reason")], arrival: 1_800_000_000)
        try journal.append([ScoreEvent(user: "bob", change: .delta(-40), timestamp: 1_800_000_001.5)], arrival: 1_800_000_002)
        let afterFirst = JournalMark(generation: 1, lines: 1)

        let reopened = EventJournal(directory: directory, mark: afterFirst)
        let events = try reopened.unappliedEvents(parser: parser)
        #expect(events == [ScoreEvent(user: "bob", change: .delta(-40), timestamp: 1_800_000_001.5)])
        #expect(reopened.mark == JournalMark(generation: 1, lines: 2))

        let fromStart = EventJournal(directory: directory, mark: JournalMark())
        let all = try fromStart.unappliedEvents(parser: parser)
        #expect(all.count == 2)
        #expect(all.first == ScoreEvent(user: "alice", change: .set(640), timestamp: 1_800_000_000, reason: "a \"quoted\" reason"))
    }

    @Test func tornLastLineIsCutAndAppendsStayClean() throws {
        let path = scratch.file("journal-1.jsonl")
        try (#"{"user":"alice","score":1,"ts":5}"# + "\n" + #"{"user":"bo"#).write(toFile: path, atomically: false, encoding: .utf8)
        let journal = EventJournal(directory: directory, mark: JournalMark())
        #expect(try journal.unappliedEvents(parser: parser).count == 1)
        try journal.append([ScoreEvent(user: "carol", change: .set(2))], arrival: 7)
        let again = EventJournal(directory: directory, mark: JournalMark())
        let events = try again.unappliedEvents(parser: parser)
        #expect(events.map(\.user) == ["alice", "carol"])
    }

    @Test func rotationStartsANewGenerationAndDiscardRemovesOldOnes() throws {
        let journal = EventJournal(directory: directory, mark: JournalMark())
        try journal.append([ScoreEvent(user: "a", change: .set(1))], arrival: 1)
        let mark = journal.rotate()
        #expect(mark == JournalMark(generation: 2, lines: 0))
        try journal.append([ScoreEvent(user: "b", change: .set(2))], arrival: 2)
        journal.discard(before: mark.generation)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("journal-1.jsonl")))
        let replay = try EventJournal(directory: directory, mark: mark).unappliedEvents(parser: parser)
        #expect(replay.map(\.user) == ["b"])
    }

    /// A failed append leaves nothing behind: a disk that filled up mid-record must not
    /// leave half a line that would swallow the next acknowledged event on replay.
    @Test(.enabled(if: isRoot(), "needs root to mount a tmpfs"))
    func aFailedAppendLeavesNoPartialRecord() throws {
        let disk = try SmallFilesystem(size: "64k")
        defer { disk.remove() }
        let state = try StateDirectory(configured: FilePath(disk.path))
        let journal = EventJournal(directory: state, mark: JournalMark())
        try journal.append([ScoreEvent(user: "first", change: .set(1))], arrival: 1)
        disk.fill()
        let many = (0..<2000).map { ScoreEvent(user: "u\($0)", change: .set(Double($0))) }
        let refused = #expect(throws: PersistenceError.self) { try journal.append(many, arrival: 2) }
        #expect(refused?.errnoCode == ENOSPC)
        #expect(refused?.description.hasPrefix("\(disk.path)/journal-1.jsonl: No space left on device") == true)
        #expect(journal.mark.lines == 1)
        disk.freeUp()
        try journal.append([ScoreEvent(user: "last", change: .set(3))], arrival: 3)
        let replay = try EventJournal(directory: state, mark: JournalMark()).unappliedEvents(parser: parser)
        #expect(replay.map(\.user) == ["first", "last"])
    }
}
