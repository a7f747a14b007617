import Foundation

/// An operator override in force for a user: `{"tier":"full","until":"...","reason":"..."}`.
/// `until` and `reason` are always present in the JSON, null when the override has no end
/// (lasts until `clear`) or no reason, so scripts can test them without checking for the key.
public struct OverrideStatus: Sendable, Hashable, Codable {
    public var tier: String
    public var until: Date?
    public var reason: String?

    enum CodingKeys: String, CodingKey { case tier, until, reason }

    public init(tier: String, until: Date? = nil, reason: String? = nil) {
        self.tier = tier
        self.until = until
        self.reason = reason
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tier = try container.decode(String.self, forKey: .tier)
        until = try RFC3339.decodeIfPresent(container, forKey: .until)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tier, forKey: .tier)
        try container.encode(until.map(RFC3339.format), forKey: .until)
        try container.encode(reason, forKey: .reason)
    }
}
