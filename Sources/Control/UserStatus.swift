import Foundation

/// What the daemon enforces for one user, as `status` reports it:
/// `{"user":"alice","tier":"reduced","score":640,"since":"2026-11-27T05:00:00Z",
///   "download":20000000,"upload":5000000,"override":null,"addresses":["10.0.0.11"],
///   "rule":"score 640 < 800 (full)"}`.
///
/// `interface` (EXTENSION) is the subscriber-facing interface the user is shaped on; absent
/// in replies of daemons that predate it.
///
/// `download`/`upload` are bit/s and null when the tier is unthrottled; `override` is null
/// when none is in force. Those keys are always present (null, not missing) as the contract
/// says. `rule` is the one-line reason the user is in this tier (threshold, hysteresis,
/// dwell, override, staleness); `explain` gives the full story.
public struct UserStatus: Sendable, Hashable, Codable {
    public var user: String
    public var tier: String
    public var score: Double
    /// When the user entered `tier`.
    public var since: Date
    public var download: UInt64?
    public var upload: UInt64?
    public var override: OverrideStatus?
    public var addresses: [String]
    public var rule: String
    public var interface: String?

    enum CodingKeys: String, CodingKey {
        case user, tier, score, since, download, upload, override, addresses, rule, interface
    }

    public init(
        user: String, tier: String, score: Double, since: Date,
        download: UInt64?, upload: UInt64?, override: OverrideStatus?,
        addresses: [String], rule: String, interface: String? = nil
    ) {
        self.user = user
        self.tier = tier
        self.score = score
        self.since = since
        self.download = download
        self.upload = upload
        self.override = override
        self.addresses = addresses
        self.rule = rule
        self.interface = interface
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        user = try container.decode(String.self, forKey: .user)
        tier = try container.decode(String.self, forKey: .tier)
        score = try container.decode(Double.self, forKey: .score)
        since = try RFC3339.decode(container, forKey: .since)
        download = try container.decodeIfPresent(UInt64.self, forKey: .download)
        upload = try container.decodeIfPresent(UInt64.self, forKey: .upload)
        override = try container.decodeIfPresent(OverrideStatus.self, forKey: .override)
        addresses = try container.decodeIfPresent([String].self, forKey: .addresses) ?? []
        rule = try container.decodeIfPresent(String.self, forKey: .rule) ?? ""
        interface = try container.decodeIfPresent(String.self, forKey: .interface)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
        try container.encode(tier, forKey: .tier)
        try container.encode(score, forKey: .score)
        try container.encode(RFC3339.format(since), forKey: .since)
        try container.encode(download, forKey: .download)
        try container.encode(upload, forKey: .upload)
        try container.encode(override, forKey: .override)
        try container.encode(addresses, forKey: .addresses)
        try container.encode(rule, forKey: .rule)
        try container.encodeIfPresent(interface, forKey: .interface)
    }
}
