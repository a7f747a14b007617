/// Per-user traffic counters of the shaped classes at one instant: `counters`' answer, which
/// `tierctl top` turns into rates by differencing two samples.
///
/// Columns, not one object per user: the keys are written once, not once per user (measured:
/// 1.5 MB for 50k users; an object per user would repeat ~100 bytes of keys per user):
/// `{"taken_at":1234.5,"dump_seconds":0.08,"users":["alice","bob"],"tiers":["reduced","full"],
///   "down_bytes":[123,null],"down_packets":[4,null],"down_drops":[0,null],"up_bytes":[...],...}`.
/// Index i of every column is `users[i]`; null means the user has no class in that direction
/// (an unthrottled tier). Counters are the kernel's (since the class was created), so a
/// class created anew starts from zero again: a client seeing a counter go down counts zero.
public struct CounterSample: Sendable, Hashable, Codable {
    /// When the kernel was read, in seconds of the daemon's monotonic clock (CLOCK_MONOTONIC):
    /// only differences between two samples mean anything. Two replies with the same value
    /// are the same (shared) sample.
    public var takenAt: Double
    /// How long reading the class statistics took.
    public var dumpSeconds: Double
    public var users: [String]
    public var tiers: [String]
    public var download: DirectionColumns
    public var upload: DirectionColumns

    /// One direction's counters, a column per counter.
    public struct DirectionColumns: Sendable, Hashable {
        public var bytes: [UInt64?]
        public var packets: [UInt64?]
        public var drops: [UInt64?]

        public init(bytes: [UInt64?] = [], packets: [UInt64?] = [], drops: [UInt64?] = []) {
            self.bytes = bytes
            self.packets = packets
            self.drops = drops
        }
    }

    enum CodingKeys: String, CodingKey {
        case takenAt = "taken_at", dumpSeconds = "dump_seconds", users, tiers
        case downBytes = "down_bytes", downPackets = "down_packets", downDrops = "down_drops"
        case upBytes = "up_bytes", upPackets = "up_packets", upDrops = "up_drops"
    }

    public init(takenAt: Double, dumpSeconds: Double, users: [String], tiers: [String],
                download: DirectionColumns, upload: DirectionColumns) {
        self.takenAt = takenAt
        self.dumpSeconds = dumpSeconds
        self.users = users
        self.tiers = tiers
        self.download = download
        self.upload = upload
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        takenAt = try container.decode(Double.self, forKey: .takenAt)
        dumpSeconds = try container.decode(Double.self, forKey: .dumpSeconds)
        users = try container.decode([String].self, forKey: .users)
        tiers = try container.decode([String].self, forKey: .tiers)
        download = DirectionColumns(bytes: try container.decode([UInt64?].self, forKey: .downBytes),
                                    packets: try container.decode([UInt64?].self, forKey: .downPackets),
                                    drops: try container.decode([UInt64?].self, forKey: .downDrops))
        upload = DirectionColumns(bytes: try container.decode([UInt64?].self, forKey: .upBytes),
                                  packets: try container.decode([UInt64?].self, forKey: .upPackets),
                                  drops: try container.decode([UInt64?].self, forKey: .upDrops))
        let columns = [tiers.count, download.bytes.count, download.packets.count, download.drops.count,
                       upload.bytes.count, upload.packets.count, upload.drops.count]
        guard columns.allSatisfy({ $0 == users.count }) else {
            throw DecodingError.dataCorruptedError(forKey: .users, in: container,
                                                   debugDescription: "counter columns differ in length from users (\(users.count))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(takenAt, forKey: .takenAt)
        try container.encode(dumpSeconds, forKey: .dumpSeconds)
        try container.encode(users, forKey: .users)
        try container.encode(tiers, forKey: .tiers)
        try container.encode(download.bytes, forKey: .downBytes)
        try container.encode(download.packets, forKey: .downPackets)
        try container.encode(download.drops, forKey: .downDrops)
        try container.encode(upload.bytes, forKey: .upBytes)
        try container.encode(upload.packets, forKey: .upPackets)
        try container.encode(upload.drops, forKey: .upDrops)
    }
}
