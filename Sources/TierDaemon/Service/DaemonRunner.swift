import Feed
import FeedParsing
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// What `tierd --config PATH` does: validate, restore, converge, announce READY, then run
/// the services until SIGTERM. Shaping is left in place on exit so that stopping or
/// restarting tierd never disturbs traffic; the next start adopts it.
public enum DaemonRunner {
    public static func run(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        var logger = Logger(label: "tierd")
        if let level = environment["TIERD_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) { logger.logLevel = level }
        let configuration: DaemonConfiguration
        let users: [UserRecord]
        do throws(ConfigErrors) {
            configuration = try ConfigLoader.load(path: configPath)
            users = try UsersFileLoader.load(path: configuration.network.usersFile)
        } catch {
            for problem in error.errors { logger.critical("\(problem)") }
            return ExitStatus.config
        }

        let notifier = SystemdNotifier(environment: environment)
        let daemon: Daemon
        do {
            daemon = try Daemon(configuration: configuration, users: users, logger: logger)
            try await daemon.start()
        } catch {
            logger.critical("cannot start: \(error)")
            return ExitStatus.failure
        }

        let parser = FeedLineParser(maxLineLength: configuration.feed.maxLine)
        let reloadSignals = await UnixSignalsSequence(trapping: .sighup)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ControlService(daemon: daemon, path: configuration.daemon.controlSocket, notifier: notifier)),
            .init(service: TickService(daemon: daemon)),
            .init(service: ReloadService(daemon: daemon, notifier: notifier, signals: reloadSignals)),
            .init(service: DriftMonitorService(daemon: daemon, namespace: configuration.network.namespace, logger: logger)),
        ]
        if let file = configuration.feed.file {
            services.append(.init(service: FeedFileService(daemon: daemon, path: file, parser: parser)))
        }
        if let socket = configuration.feed.socket {
            services.append(.init(service: FeedSocketService(daemon: daemon, path: socket, parser: parser)))
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
        await daemon.persist()
        logger.info("stopped; shaping left in place")
        return status
    }
}

/// Process exit codes (sysexits where one fits).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    public static let config: Int32 = 78
}
