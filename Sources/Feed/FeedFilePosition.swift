import FeedParsing
/// Where the file feed has read up to: what the daemon persists to resume after a
/// restart without applying a line twice or skipping one.
///
/// `device` and `inode` identify the file (a path can name a different file after a
/// rotation); `offset` is just past the last complete line consumed and `line` is that
/// line's number (so the next line is `line + 1`).
public struct FeedFilePosition: Sendable, Codable, Equatable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var offset: UInt64
    public var line: Int

    public init(device: UInt64, inode: UInt64, offset: UInt64, line: Int) {
        self.device = device
        self.inode = inode
        self.offset = offset
        self.line = line
    }

    /// No file read yet.
    public static let start = FeedFilePosition(device: 0, inode: 0, offset: 0, line: 0)
}
