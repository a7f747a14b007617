/// The validated contents of `tierd.toml`: plain values only, so the scoring core and
/// the enforcer can be configured without knowing about TOML.
public struct DaemonConfiguration: Sendable, Equatable {
    public var daemon: DaemonSection
    public var feed: FeedSection
    public var scoring: ScoringSection
    public var network: NetworkSection
    /// Ordered from best to worst: descending `minScore`, the catch-all last.
    public var tiers: [TierSection]
    /// Absolute path of the file this was loaded from.
    public var sourcePath: String

    public init(
        daemon: DaemonSection,
        feed: FeedSection,
        scoring: ScoringSection,
        network: NetworkSection,
        tiers: [TierSection],
        sourcePath: String
    ) {
        self.daemon = daemon
        self.feed = feed
        self.scoring = scoring
        self.network = network
        self.tiers = tiers
        self.sourcePath = sourcePath
    }

    /// The tier with this name, if any.
    public func tier(named name: String) -> TierSection? {
        tiers.first { $0.name == name }
    }

    /// The keys a reload refuses to change (named as in the file), from the key tables:
    /// they name kernel objects or sockets tierd owns, or what the shaper was built with.
    func restartOnlyChanges(to new: DaemonConfiguration) -> [String] {
        NetworkSectionKeys.table.restartOnlyChanges(from: self, to: new)
            + DaemonSectionKeys.table.restartOnlyChanges(from: self, to: new)
            + FeedSectionKeys.table.restartOnlyChanges(from: self, to: new)
            + ScoringSectionKeys.table.restartOnlyChanges(from: self, to: new)
            + TierSectionKeys.table.restartOnlyChanges(from: self, to: new)
    }
}
