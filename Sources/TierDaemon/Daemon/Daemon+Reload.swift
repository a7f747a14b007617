import Control
import Scoring
import TrafficControl

/// The result of a reload: applied (with what it changed), refused with every error found,
/// or not applied because the state it changes could not be saved.
public enum ReloadOutcome: Sendable {
    case applied(ReloadReport)
    case refused([ConfigError])
    case notSaved(PersistenceError)
}

extension Daemon {
    /// Re-reads config and users file, validates both completely, and swaps atomically:
    /// changed tier rates are changed in place in the kernel, added or removed users are
    /// applied, a user moved to another interface is moved, nothing else is touched. On any
    /// error the running configuration stays. What it decides is a `ReloadComputation`, the
    /// same one `plan` reports.
    public func reload(notifier: SystemdNotifier) -> ReloadOutcome {
        notifier.reloading()
        defer { notifier.ready(status: summaryLine()) }
        let computation: ReloadComputation
        do throws(ConfigErrors) {
            let newConfiguration = try ConfigLoader.load(path: configuration.sourcePath)
            let newUsers = try UsersFileLoader.load(
                path: newConfiguration.network.usersFile, interfaces: newConfiguration.network.interfaceNames)
            computation = try ReloadComputation(current: configuration, engine: engine, configuration: newConfiguration,
                                                users: newUsers, now: clock())
        } catch {
            return refuse(error.errors)
        }
        if !computation.restartRequired.isEmpty { return refuse(computation.restartErrors) }
        let previous = (configuration, users, usersByID, controlAccess.authorizer, engine)
        configuration = computation.configuration
        users = computation.users
        usersByID = computation.usersByID
        controlAccess.replace(with: Self.makeAuthorizer(users: users, configuration: configuration))
        engine = computation.engine
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
        record(computation.changes)
        // A user whose `interface` changed leaves the old interface's trees in this converge.
        enforcer.place(computation.interfaceOf)
        let report = enforce()
        let summary = summaryLine()
        logger.notice("configuration reloaded", metadata: ["summary": "\(summary)"])
        return .applied(ReloadReport(moves: computation.moves, kernel: report.map(KernelChanges.init),
                                     warnings: report?.errors.map(\.description) ?? []))
    }

    /// What a reload of `input` would do, computed as `reload` computes it and with a dry run
    /// of the kernel change; nothing is changed, saved or logged. A config with errors is
    /// answered as a reload would be (`config_error` with every error).
    func plan(_ input: PlanInput) -> ControlReply {
        let computation: ReloadComputation
        do throws(ConfigErrors) {
            let newConfiguration = try ConfigLoader.parse(text: input.config.text, path: input.config.path)
            let newUsers: [UserRecord]
            if let file = input.users {
                newUsers = try UsersFileLoader.parse(text: file.text, path: file.path, interfaces: newConfiguration.network.interfaceNames)
            } else {
                newUsers = try UsersFileLoader.load(path: newConfiguration.network.usersFile, interfaces: newConfiguration.network.interfaceNames)
            }
            computation = try ReloadComputation(current: configuration, engine: engine, configuration: newConfiguration,
                                                users: newUsers, now: clock())
        } catch {
            return .error(.configError, "configuration refused; a reload would change nothing", details: error.errors.map(\.description))
        }
        guard computation.restartRequired.isEmpty else {
            return .plan(ReloadReport(moves: computation.moves, restartRequired: computation.restartRequired, kernel: nil))
        }
        let dryRun: ShaperDryRun
        do {
            dryRun = try enforcer.dryRun(to: computation.desiredShaping(), interfaceOf: computation.interfaceOf)
        } catch {
            return .error(.internal, "could not read the kernel state to plan against: \(error)")
        }
        var kernel = KernelChanges(dryRun.report)
        kernel.operations = dryRun.operations
        kernel.operationsOmitted = dryRun.operationsOmitted
        return .plan(ReloadReport(moves: computation.moves, kernel: kernel, warnings: dryRun.report.errors.map(\.description)))
    }

    private func refuse(_ errors: [ConfigError]) -> ReloadOutcome {
        for error in errors {
            logger.error("reload refused", metadata: ["error": "\(error)"])
        }
        return .refused(errors)
    }
}
