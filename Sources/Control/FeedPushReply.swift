/// The feed socket's reply after the client shut down its write side:
/// `{"accepted":N,"rejected":M,"errors":[{"line":K,"reason":"..."}]}`.
public struct FeedPushReply: Sendable, Hashable, Codable {
    public struct LineError: Sendable, Hashable, Codable {
        public var line: Int
        public var reason: String
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public var accepted: Int
    public var rejected: Int
    public var errors: [LineError]

    public init(accepted: Int, rejected: Int, errors: [LineError]) {
        self.accepted = accepted
        self.rejected = rejected
        self.errors = errors
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accepted = try container.decode(Int.self, forKey: .accepted)
        rejected = try container.decode(Int.self, forKey: .rejected)
        errors = try container.decodeIfPresent([LineError].self, forKey: .errors) ?? []
    }
}
