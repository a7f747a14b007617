/// The feed socket's reply after the client shut down its write side:
/// `{"accepted":N,"rejected":M,"errors":[{"line":K,"reason":"..."}]}`.
///
/// When the daemon refused the connection (the events could not be made durable, the
/// connection limit, an idle timeout) the same line also carries `"error":"<code>"` and
/// `"message":"<why>"`; `accepted` then counts only what was made durable before. A refusal
/// from an older daemon, `{"error":...,"message":...}` without counts, decodes too.
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
    /// Set when the daemon refused: a code such as `apply_failed`.
    public var error: String?
    /// Why it refused, in words (names the file and the system's reason for `apply_failed`).
    public var message: String?

    public init(accepted: Int, rejected: Int, errors: [LineError], error: String? = nil, message: String? = nil) {
        self.accepted = accepted
        self.rejected = rejected
        self.errors = errors
        self.error = error
        self.message = message
    }

    /// Whether the daemon refused (some or all of) what was sent.
    public var isRefusal: Bool { error != nil }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        if error != nil {
            accepted = try container.decodeIfPresent(Int.self, forKey: .accepted) ?? 0
            rejected = try container.decodeIfPresent(Int.self, forKey: .rejected) ?? 0
        } else {
            accepted = try container.decode(Int.self, forKey: .accepted)
            rejected = try container.decode(Int.self, forKey: .rejected)
        }
        errors = try container.decodeIfPresent([LineError].self, forKey: .errors) ?? []
    }
}
