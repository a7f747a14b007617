import Control
import Scoring

/// The result of a reload: applied, refused with every error found, or not applied because
/// the state it changes could not be saved.
public enum ReloadOutcome: Sendable {
    case applied(summary: String)
    case refused([ConfigError])
    case notSaved(PersistenceError)
}

extension Daemon {
    /// Re-reads config and users file, validates both completely, and swaps atomically:
    /// changed tier rates are changed in place in the kernel, added or removed users are
    /// applied, a user moved to another interface is moved, nothing else is touched. On any error the running configuration stays.
    public func reload(notifier: SystemdNotifier) -> ReloadOutcome {
        notifier.reloading()
        defer { notifier.ready(status: summaryLine()) }
        let path = configuration.sourcePath
        let newConfiguration: DaemonConfiguration
        let newUsers: [UserRecord]
        let newPolicy: ScoringPolicy
        do throws(ConfigErrors) {
            newConfiguration = try ConfigLoader.load(path: path)
            newUsers = try UsersFileLoader.load(
                path: newConfiguration.network.usersFile, interfaces: newConfiguration.network.interfaces.map(\.name))
            newPolicy = try PolicyMapping.scoringPolicy(newConfiguration)
        } catch {
            return refuse(error.errors)
        }
        let restartOnly = configuration.restartOnlyChanges(to: newConfiguration)
        if !restartOnly.isEmpty {
            return refuse(restartOnly.map { ConfigError(file: path, line: 0, message: "\($0) cannot change on reload; restart tierd") })
        }
        let now = clock()
        let previous = (configuration, users, usersByID, controlAccess.authorizer, engine)
        configuration = newConfiguration
        users = newUsers
        usersByID = Dictionary(newUsers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        controlAccess.replace(with: Self.makeAuthorizer(users: newUsers, configuration: newConfiguration))
        var changes = engine.updatePolicy(newPolicy, now: now)
        changes += engine.setUsers(newUsers.map(\.id), now: now)
        // Durable before it takes effect: if the new state cannot be saved, the old one stays.
        do {
            try writeSnapshot()
        } catch {
            let authorizer: ControlAuthorizer
            (configuration, users, usersByID, authorizer, engine) = previous
            controlAccess.replace(with: authorizer)
            logger.error("reload not applied: the state could not be saved", metadata: ["error": "\(error)"])
            return .notSaved(error)
        }
        record(changes)
        // A user whose `interface` changed leaves the old interface's trees in this converge.
        enforcer.place(Self.interfaces(of: newUsers, network: newConfiguration.network))
        enforce()
        let summary = summaryLine()
        logger.notice("configuration reloaded", metadata: ["summary": "\(summary)"])
        return .applied(summary: summary)
    }

    private func refuse(_ errors: [ConfigError]) -> ReloadOutcome {
        for error in errors {
            logger.error("reload refused", metadata: ["error": "\(error)"])
        }
        return .refused(errors)
    }
}
