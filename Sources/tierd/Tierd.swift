import ArgumentParser
import Logging
import TierDaemon

/// `tierd --config PATH [--check]`: the daemon's entry point. Everything else lives in the
/// TierDaemon library so that tests and the benchmark use the same code.
@main
struct Tierd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tierd",
        abstract: "Enforce per-user bandwidth tiers with Linux traffic control.",
        discussion: "Runs in the foreground (systemd Type=notify). Exit codes: 0 ok, 1 failure, 75 another tierd already owns this state_dir or device (nothing was changed), 78 configuration error.")

    @Option(name: .long, help: "Path of the TOML configuration.")
    var config: String = "/etc/tierd/tierd.toml"

    @Flag(name: .long, help: "Validate the configuration and users file, print every error with file:line, and exit.")
    var check = false

    func run() async throws {
        if check {
            let result = ConfigCheck.run(configPath: config)
            print(result.output, terminator: result.output.hasSuffix("\n") ? "" : "\n")
            throw ExitCode(result.exitCode)
        }
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        let status = await DaemonRunner.run(configPath: config)
        if status != 0 { throw ExitCode(status) }
    }
}
