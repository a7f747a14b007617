import FeedParsing
import Glibc

/// Reads the lines of the feed file from where the last reader stopped, following the
/// *path* across truncation, rotation by rename and delete/re-create.
///
/// Not thread-safe: `FeedFileFollower` owns one behind a lock. Each call to `readBatch`
/// reads what the file holds now and never blocks waiting for more; the follower decides
/// when to call again (inotify). Rules:
/// - Append: new complete lines are read; a partial last line waits for its newline.
/// - Truncation (size below what was read): start again at offset 0, line 0.
/// - The path names another inode (rename over it, or delete + re-create): first read
///   the old file to its end (the writer finished it before replacing it), treat a final
///   unterminated line there as complete, deliver that, then open the new file at 0.
/// - The path is gone: keep the old file open and wait for a new one (its directory
///   gone too is reported as `directoryMissing`, the old file still held).
/// - The path names anything but a regular file (directory, FIFO, device, socket, a
///   symbolic link to one): `notARegularFile`, found with `fstat` on the descriptor
///   opened non-blocking, so a FIFO never blocks `open` and a device is never read.
/// - Resume: a saved position is used only if the file at the path is the same inode
///   and still at least that long; otherwise the file is new and is read from 0.
final class FeedFileReader {
    static let readSize = 64 * 1024

    let path: String
    private let parser: FeedLineParser
    private var fd: Int32 = -1
    private var device: UInt64 = 0
    private var inode: UInt64 = 0
    private var splitter: FeedLineSplitter
    private var resume: FeedFilePosition?
    private var lastReported: FeedFilePosition
    private let buffer: UnsafeMutableRawBufferPointer

    init(path: String, parser: FeedLineParser, resumeFrom: FeedFilePosition?) {
        self.path = path
        self.parser = parser
        self.resume = resumeFrom
        self.lastReported = resumeFrom ?? .start
        self.splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
        self.buffer = .allocate(byteCount: Self.readSize, alignment: 16)
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// The position after the last complete line consumed.
    var position: FeedFilePosition {
        FeedFilePosition(device: device, inode: inode, offset: splitter.completedOffset, line: splitter.lineNumber)
    }

    /// Reads up to one buffer of new lines; nil when there is nothing new (no line and no
    /// change of position).
    func readBatch() throws(FeedFileError) -> FeedBatch? {
        var batch = FeedBatch(position: position)
        var linesSeen = 0
        while linesSeen == 0 {
            if fd < 0 {
                guard try openFile() else { break }
            }
            try restartIfTruncated()
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                let error = errno
                if error == EINTR { continue }
                throw .system(call: "read", path: path, errno: error)
            }
            if count > 0 {
                splitter.split(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { number, line in
                    linesSeen += 1
                    record(number, line, into: &batch)
                }
                continue
            }
            // At the end of the file we hold: has the path moved on to another file?
            guard try pathNamesAnotherFile() else { break }
            splitter.finish { number, line in
                linesSeen += 1
                record(number, line, into: &batch)
            }
            close(fd)
            fd = -1
        }
        // After a switch this is still the old file's final position: persisting it
        // resumes correctly, since the old inode no longer matches the path.
        batch.position = position
        guard linesSeen > 0 || batch.position != lastReported else { return nil }
        lastReported = batch.position
        return batch
    }

    private func record(_ number: Int, _ line: FeedLineSplitter.Line, into batch: inout FeedBatch) {
        switch line {
        case .tooLong:
            batch.rejections.append(FeedLineRejection(line: number, reason: .lineTooLong))
        case .text(let bytes):
            switch parser.parse(bytes) {
            case .event(let event):
                batch.events.append(event)
                batch.eventLines.append(number)
            case .rejected(let reason): batch.rejections.append(FeedLineRejection(line: number, reason: reason))
            case .blank: batch.blankLines += 1
            }
        }
    }

    /// Opens the file at the path, positioned at the resume point or at 0.
    /// Returns false when there is no file (yet) in an existing directory.
    ///
    /// A path that already names something else is refused without opening it (opening
    /// some devices has effects of its own). That look is only a shortcut, since the path
    /// can change right after it: `fstat` of the opened descriptor decides. Until then,
    /// O_NONBLOCK keeps a FIFO from holding the thread until a writer comes, and O_NOCTTY
    /// keeps a terminal from becoming the daemon's.
    private func openFile() throws(FeedFileError) -> Bool {
        var seen = stat()
        if stat(path, &seen) == 0, seen.st_mode & S_IFMT != S_IFREG {
            throw .notARegularFile(path: path, kind: FeedFileError.kind(ofMode: seen.st_mode))
        }
        let opened = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard opened >= 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR {
                try requireDirectory()
                return false
            }
            throw .system(call: "open", path: path, errno: error)
        }
        var info = stat()
        guard fstat(opened, &info) == 0 else {
            let error = errno
            close(opened)
            throw .system(call: "fstat", path: path, errno: error)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(opened)
            throw .notARegularFile(path: path, kind: FeedFileError.kind(ofMode: info.st_mode))
        }
        fd = opened
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
        if let saved = resume, saved.device == device, saved.inode == inode,
           saved.offset <= UInt64(info.st_size), lseek(fd, off_t(saved.offset), SEEK_SET) >= 0 {
            splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength, startingLine: saved.line, startingOffset: saved.offset)
        }
        resume = nil
        return true
    }

    /// A file shorter than what was read from it was truncated: read it again from 0.
    private func restartIfTruncated() throws(FeedFileError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = errno
            throw .system(call: "fstat", path: path, errno: error)
        }
        guard UInt64(info.st_size) < splitter.consumedOffset else { return }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw .system(call: "lseek", path: path, errno: errno) }
        splitter = FeedLineSplitter(maxLineLength: parser.maxLineLength)
    }

    /// Whether the path now names a file other than the one held open.
    private func pathNamesAnotherFile() throws(FeedFileError) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR {
                try requireDirectory()
                return false
            }
            throw .system(call: "stat", path: path, errno: error)
        }
        return UInt64(truncatingIfNeeded: info.st_dev) != device || UInt64(truncatingIfNeeded: info.st_ino) != inode
    }

    /// A missing file is normal (the producer has not written one yet); a missing
    /// directory is not: nothing can appear until someone re-creates it, so it is reported.
    private func requireDirectory() throws(FeedFileError) {
        let directory = FeedFileFollower.directory(of: path)
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw .directoryMissing(directory: directory)
        }
    }
}
