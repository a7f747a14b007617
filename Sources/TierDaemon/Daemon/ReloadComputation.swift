import Control
import Scoring
import TrafficControl

/// Everything a reload decides before it changes anything: the new configuration and users,
/// the scoring engine with the new policy and users applied, the tier changes that makes,
/// and the settings that would need a restart. `reload` computes one and commits it;
/// `plan` computes one from the same inputs and only reports it (with a dry run of the
/// kernel change), so what the plan says is what the reload does.
struct ReloadComputation {
    let configuration: DaemonConfiguration
    let users: [UserRecord]
    /// The running engine after `updatePolicy` and `setUsers`: a copy, the daemon's own is
    /// untouched until `reload` adopts this one.
    let engine: ScoringEngine
    /// Tier changes in the order the engine made them (policy first, then users added/removed).
    let changes: [TierChange]
    /// Settings that differ but identify kernel objects or sockets tierd owns
    /// (`DaemonConfiguration.restartOnlyChanges(to:)`); a reload refuses while any is listed.
    let restartRequired: [String]

    /// - Parameters:
    ///   - current: the running configuration, to find restart-only changes.
    ///   - engine: the running scoring engine (copied).
    /// - Throws: `ConfigErrors` when the new configuration cannot become a scoring policy.
    init(current: DaemonConfiguration, engine running: ScoringEngine, configuration: DaemonConfiguration,
         users: [UserRecord], now: Double) throws(ConfigErrors) {
        let policy = try PolicyMapping.scoringPolicy(configuration)
        self.configuration = configuration
        self.users = users
        restartRequired = current.restartOnlyChanges(to: configuration)
        var engine = running
        var changes = engine.updatePolicy(policy, now: now)
        changes += engine.setUsers(users.map(\.id), now: now)
        self.engine = engine
        self.changes = changes
    }

    var usersByID: [String: UserRecord] {
        Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The shaping the kernel should have once the reload is done (as `Daemon.desiredShaping`).
    func desiredShaping() -> [ShapedUser] {
        users.compactMap { user in engine.tier(of: user.id).flatMap { PolicyMapping.shaping(of: user, in: $0) } }
    }

    /// Which interface each user is shaped on once the reload is done (`Enforcer.place`).
    var interfaceOf: [String: String] {
        Daemon.interfaces(of: users, network: configuration.network)
    }

    /// The tier changes as the control protocol reports them, by user id (the engine's order
    /// depends on hashing, and a plan must read the same twice).
    var moves: [TierMove] {
        changes.sorted { $0.user < $1.user }.map { TierMove(user: $0.user, from: $0.fromName, to: $0.toName, rule: $0.rule.rawValue, score: $0.score.map(Timestamps.rounded)) }
    }

    /// Restart-only settings as config errors, the way a refused reload reports them.
    var restartErrors: [ConfigError] {
        restartRequired.map { ConfigError(file: configuration.sourcePath, line: 0, message: "\($0) cannot change on reload; restart tierd") }
    }
}

extension KernelChanges {
    /// The counts of a converge report (planned or applied).
    init(_ report: ConvergeReport) {
        self.init(classesCreated: report.classesCreated, classesChanged: report.classesChanged, classesDeleted: report.classesDeleted,
                  qdiscsCreated: report.qdiscsCreated, qdiscsDeleted: report.qdiscsDeleted,
                  filtersCreated: report.filtersCreated, filtersDeleted: report.filtersDeleted,
                  entriesSet: report.entriesSet, entriesDeleted: report.entriesDeleted)
    }
}
