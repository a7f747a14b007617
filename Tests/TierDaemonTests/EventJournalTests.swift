import Feed
import FeedParsing
import Foundation
import Scoring
import SystemPackage
import Testing
@testable import TierDaemon

/// The socket feed's write-ahead journal: what was appended comes back exactly once.
struct EventJournalTests {
    let parser = FeedLineParser(maxLineLength: 4096)

    func makeDirectory() throws -> FilePath {
        var template = Array("/tmp/tierdt-journal-XXXXXX".utf8CString)
        return FilePath(String(cString: mkdtemp(&template)!))
    }

    @Test func appendedEventsReplayFromTheMarkOnly() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
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
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let path = directory.appending("journal-1.jsonl").string
        try (#"{"user":"alice","score":1,"ts":5}"# + "\n" + #"{"user":"bo"#).write(toFile: path, atomically: false, encoding: .utf8)
        let journal = EventJournal(directory: directory, mark: JournalMark())
        #expect(try journal.unappliedEvents(parser: parser).count == 1)
        try journal.append([ScoreEvent(user: "carol", change: .set(2))], arrival: 7)
        let again = EventJournal(directory: directory, mark: JournalMark())
        let events = try again.unappliedEvents(parser: parser)
        #expect(events.map(\.user) == ["alice", "carol"])
    }

    @Test func rotationStartsANewGenerationAndDiscardRemovesOldOnes() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let journal = EventJournal(directory: directory, mark: JournalMark())
        try journal.append([ScoreEvent(user: "a", change: .set(1))], arrival: 1)
        let mark = try journal.rotate()
        #expect(mark == JournalMark(generation: 2, lines: 0))
        try journal.append([ScoreEvent(user: "b", change: .set(2))], arrival: 2)
        journal.discard(before: mark.generation)
        #expect(!FileManager.default.fileExists(atPath: directory.appending("journal-1.jsonl").string))
        let replay = try EventJournal(directory: directory, mark: mark).unappliedEvents(parser: parser)
        #expect(replay.map(\.user) == ["b"])
    }
}
