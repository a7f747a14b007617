import Control
import Feed
import FeedParsing
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// What `tierd --config PATH` does, in this order:
///
/// 1. read the configuration and users file, and check the sockets' directories as
///    `tierd --check` does (errors: exit 78 before anything is touched, which the unit's
///    `RestartPreventExitStatus=78` does not restart);
/// 2. take ownership of the state directory and the devices (`InstanceOwnership`): a second
///    tierd stops here, having touched nothing, and exits 75 naming the running one;
/// 3. restore the snapshot, replay the journal and read the feed file's backlog, then build
///    the kernel tree in one converge (`Daemon.start`);
/// 4. bind the control and feed sockets;
/// 5. announce READY, and run the services until SIGTERM.
///
/// READY therefore means: every socket answers and the kernel holds what the durable state
/// and the feed backlog say. Shaping is left in place on exit so that stopping or restarting
/// tierd never disturbs traffic; the next start adopts it.
public enum DaemonRunner {
    public static func run(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        var logger = Logger(label: "tierd")
        if let level = environment["TIERD_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) { logger.logLevel = level }
        let configuration: DaemonConfiguration
        let users: [UserRecord]
        do throws(ConfigErrors) {
            configuration = try ConfigLoader.load(path: configPath)
            users = try UsersFileLoader.load(path: configuration.network.usersFile, interfaces: configuration.network.interfaces.map(\.name))
            let text = (try? TextFileReader.read(path: configPath).get()) ?? ""
            let directories = SocketDirectoryCheck.check(configuration, index: TOMLSourceIndex(text: text)).errors
            if !directories.isEmpty { throw ConfigErrors(directories) }
        } catch {
            for problem in error.errors { logger.critical("\(problem)") }
            return ExitStatus.config
        }

        let ownership: InstanceOwnership
        do throws(OwnershipError) {
            ownership = try InstanceOwnership.acquire(configuration)
        } catch {
            logger.critical("\(error)")
            if case .heldByAnother = error { return ExitStatus.alreadyRunning }
            return ExitStatus.failure
        }
        // Held until the process ends (the kernel releases both kinds of claim on exit).
        defer { withExtendedLifetime(ownership) {} }
        logger.debug("ownership taken", metadata: ["lock": "\(ownership.lockPath)", "devices": "\(ownership.claimedNames)"])

        let notifier = SystemdNotifier(environment: environment)
        let parser = FeedLineParser(maxLineLength: configuration.feed.maxLine)
        let daemon: Daemon
        let follower: FeedFileFollower?
        do {
            daemon = try Daemon(configuration: configuration, users: users, logger: logger)
            let resumeFrom = await daemon.feedResumePosition()
            follower = configuration.feed.file.map { FeedFileFollower(path: $0, parser: parser, resumeFrom: resumeFrom) }
            try await daemon.start(feedBacklog: follower)
        } catch {
            logger.critical("cannot start: \(error)")
            return ExitStatus.failure
        }

        let sockets: DaemonSockets
        do {
            sockets = try await DaemonSockets.bind(daemon: daemon, configuration: configuration, parser: parser, notifier: notifier)
        } catch {
            logger.critical("cannot start: \(error)")
            await daemon.persist()
            return ExitStatus.failure
        }

        let reloadSignals = await UnixSignalsSequence(trapping: .sighup)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: sockets),
            .init(service: TickService(daemon: daemon)),
            .init(service: ReloadService(daemon: daemon, notifier: notifier, signals: reloadSignals)),
            .init(service: DriftMonitorService(daemon: daemon, namespace: configuration.network.namespace, logger: logger)),
        ]
        if let follower {
            services.append(.init(service: FeedFileService(daemon: daemon, follower: follower)))
        }
        if let interval = SystemdNotifier.watchdogInterval(environment: environment) {
            services.append(.init(service: WatchdogService(daemon: daemon, notifier: notifier, interval: interval)))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        notifier.ready(status: await daemon.summaryLine())
        logger.info("ready", metadata: ["control": "\(configuration.daemon.controlSocket)"])
        var status = ExitStatus.success
        do {
            try await group.run()
        } catch {
            logger.error("service failed: \(error)")
            status = ExitStatus.failure
        }
        notifier.stopping()
        await sockets.stop()
        await daemon.persist()
        logger.info("stopped; shaping left in place")
        return status
    }
}

/// Process exit codes (sysexits where one fits).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    /// EX_TEMPFAIL: another tierd owns this state directory or device; nothing was changed.
    public static let alreadyRunning: Int32 = 75
    public static let config: Int32 = 78
}
