/// One feed event as `tierctl push` sends it over the feed socket:
/// `{"user":"alice","score":640}` or `{"user":"alice","delta":-40,"reason":"..."}`.
/// Exactly one of `score` and `delta` is set; absent fields are omitted.
public struct FeedPushEvent: Sendable, Hashable, Codable {
    public var user: String
    public var score: Double?
    public var delta: Double?
    public var reason: String?

    public init(user: String, score: Double) {
        self.user = user
        self.score = score
    }

    public init(user: String, delta: Double, reason: String? = nil) {
        self.user = user
        self.delta = delta
        self.reason = reason
    }
}
