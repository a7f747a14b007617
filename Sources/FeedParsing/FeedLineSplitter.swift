import Glibc

/// Cuts a byte stream into lines, however the stream is chunked.
///
/// Memory is bounded by the line limit, not by the input: a line longer than
/// `maxLineLength` is not buffered; its bytes are skipped up to the next newline and
/// the line is reported once as `.tooLong`. A partial last line is kept pending until
/// its newline arrives (or `finish` is called at end of stream), so a writer that is
/// caught mid-line is never misread. Lines that lie wholly inside one chunk are handed
/// out in place, without copying.
///
/// The splitter counts complete lines and the byte offset just past the last complete
/// line: exactly what a reader must persist to resume without reading a line twice or
/// skipping one.
public struct FeedLineSplitter: Sendable {
    /// One line handed out by the splitter.
    public enum Line {
        /// The line's bytes, without the newline; valid only during the callback.
        case text(UnsafeRawBufferPointer)
        /// The line exceeded `maxLineLength`; its content was dropped.
        case tooLong
    }

    /// The longest line handed out as `.text`, in bytes, excluding the newline.
    public let maxLineLength: Int
    /// The number of the last complete line handed out (lines count from 1).
    public private(set) var lineNumber: Int
    /// The stream offset just past the last complete line's newline.
    public private(set) var completedOffset: UInt64

    /// Bytes of the current partial line, unless it is already too long.
    private var pending: [UInt8] = []
    /// How many bytes of the stream lie after `completedOffset` (pending or skipped).
    private var pendingByteCount: UInt64 = 0
    /// The current partial line is too long and is being skipped up to its newline.
    private var skipping = false

    /// - Parameters:
    ///   - startingLine: lines already consumed before `startingOffset` (when resuming).
    ///   - startingOffset: the stream offset the first chunk starts at (when resuming).
    public init(maxLineLength: Int = 4096, startingLine: Int = 0, startingOffset: UInt64 = 0) {
        self.maxLineLength = max(1, maxLineLength)
        self.lineNumber = startingLine
        self.completedOffset = startingOffset
    }

    /// Whether bytes of an unfinished line are waiting for their newline.
    public var hasPendingPartialLine: Bool { pendingByteCount > 0 }

    /// The stream offset just past everything fed so far.
    public var consumedOffset: UInt64 { completedOffset + pendingByteCount }

    /// Feeds the next chunk of the stream; `onLine` is called for each line it completes,
    /// with the line's number.
    public mutating func split(_ chunk: UnsafeRawBufferPointer, _ onLine: (Int, Line) -> Void) {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        let count = chunk.count
        while start < count {
            guard let found = memchr(base + start, Int32(ASCII.lf), count - start) else {
                keepPartial(UnsafeRawBufferPointer(rebasing: chunk[start..<count]))
                return
            }
            let newline = UnsafeRawPointer(found) - base
            let segment = UnsafeRawBufferPointer(rebasing: chunk[start..<newline])
            lineNumber += 1
            if skipping {
                onLine(lineNumber, .tooLong)
            } else if pending.isEmpty {
                onLine(lineNumber, segment.count > maxLineLength ? .tooLong : .text(segment))
            } else if pending.count + segment.count > maxLineLength {
                onLine(lineNumber, .tooLong)
            } else {
                pending.append(contentsOf: segment)
                pending.withUnsafeBytes { onLine(lineNumber, .text($0)) }
            }
            completedOffset += pendingByteCount + UInt64(segment.count) + 1
            resetPartial()
            start = newline + 1
        }
    }

    /// Ends the stream: a pending partial line is handed out as the last line.
    public mutating func finish(_ onLine: (Int, Line) -> Void) {
        guard hasPendingPartialLine else { return }
        lineNumber += 1
        if skipping {
            onLine(lineNumber, .tooLong)
        } else {
            pending.withUnsafeBytes { onLine(lineNumber, .text($0)) }
        }
        completedOffset += pendingByteCount
        resetPartial()
    }

    private mutating func keepPartial(_ bytes: UnsafeRawBufferPointer) {
        pendingByteCount += UInt64(bytes.count)
        guard !skipping else { return }
        if pending.count + bytes.count > maxLineLength {
            skipping = true
            pending = []
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    private mutating func resetPartial() {
        pendingByteCount = 0
        skipping = false
        if !pending.isEmpty { pending.removeAll(keepingCapacity: pending.count <= 4096) }
    }
}
