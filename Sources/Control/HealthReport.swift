import Foundation

/// The daemon's self-assessment, as `health` reports it:
/// `{"status":"ok","kernel_in_sync":true,"users":120,"throttled":7,
///   "last_apply":"2026-11-27T05:00:00Z","errors":[],"feed":{...}}`.
///
/// `status` is `degraded` whenever something needs an operator (kernel drift not repaired,
/// apply errors, feed failing, state or audit writes failing, each with its reason in
/// `errors`); `tierctl health` exits 1 then, so it can serve as a probe.
/// `interfaces` (EXTENSION) lists each subscriber-facing interface (`InterfaceHealth`); absent
/// from daemons that predate it.
/// `last_apply` is null until the first apply. `feed` is free-form: the feed sources
/// report what they know (offsets, counts, last event time). Two members are relied on:
/// `socket`, the feed socket's path (`tierctl push` sends there), and `file_status`
/// (`following` or `failed`, then with `file_error`), which also makes `status` degraded.
public struct HealthReport: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case ok
        case degraded
    }

    public var status: Status
    public var kernelInSync: Bool
    public var users: Int
    public var throttled: Int
    public var lastApply: Date?
    public var errors: [String]
    public var feed: JSONValue
    public var interfaces: [InterfaceHealth]?

    enum CodingKeys: String, CodingKey {
        case status
        case kernelInSync = "kernel_in_sync"
        case users, throttled
        case lastApply = "last_apply"
        case errors, feed, interfaces
    }

    public init(
        status: Status, kernelInSync: Bool, users: Int, throttled: Int,
        lastApply: Date?, errors: [String], feed: JSONValue, interfaces: [InterfaceHealth]? = nil
    ) {
        self.status = status
        self.kernelInSync = kernelInSync
        self.users = users
        self.throttled = throttled
        self.lastApply = lastApply
        self.errors = errors
        self.feed = feed
        self.interfaces = interfaces
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(Status.self, forKey: .status)
        kernelInSync = try container.decode(Bool.self, forKey: .kernelInSync)
        users = try container.decode(Int.self, forKey: .users)
        throttled = try container.decode(Int.self, forKey: .throttled)
        lastApply = try RFC3339.decodeIfPresent(container, forKey: .lastApply)
        errors = try container.decodeIfPresent([String].self, forKey: .errors) ?? []
        feed = try container.decodeIfPresent(JSONValue.self, forKey: .feed) ?? .object([:])
        interfaces = try container.decodeIfPresent([InterfaceHealth].self, forKey: .interfaces)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(kernelInSync, forKey: .kernelInSync)
        try container.encode(users, forKey: .users)
        try container.encode(throttled, forKey: .throttled)
        try container.encode(lastApply.map(RFC3339.format), forKey: .lastApply)
        try container.encode(errors, forKey: .errors)
        try container.encode(feed, forKey: .feed)
        try container.encodeIfPresent(interfaces, forKey: .interfaces)
    }
}
