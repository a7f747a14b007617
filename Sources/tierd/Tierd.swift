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

    @Flag(name: .long, help: "With --check: also ask the running tierd what a reload of these files would change (as tierctl plan).")
    var plan = false

    func validate() throws {
        if plan && !check { throw ValidationError("--plan goes with --check") }
    }

    func run() async throws {
        if check {
            let result = ConfigCheck.run(configPath: config)
            print(result.output, terminator: result.output.hasSuffix("\n") ? "" : "\n")
            if plan && result.exitCode == 0 { throw ExitCode(await CheckPlan.run(configPath: config)) }
            throw ExitCode(result.exitCode)
        }
        LoggingSystem.bootstrap { JournalLogHandler(label: $0) }
        let status = await DaemonRunner.run(configPath: config)
        if status != 0 { throw ExitCode(status) }
    }
}
