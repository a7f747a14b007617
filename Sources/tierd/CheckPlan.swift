import Control
import Foundation
import TierDaemon

/// `tierd --check --plan`: after a clean check, what a reload of this config and the users
/// file it names would change, asked of the tierd running on the config's control socket.
///
/// The running daemon, not the kernel alone: which tier a user lands in depends on the scores
/// the daemon holds, and the kernel change is planned from them by the engine that would
/// apply it (read-only dump, nothing sent). The files are read here and sent by content, as
/// `tierctl plan` does. Exit codes: 0 planned, 66 a file unreadable, 69 no daemon there,
/// 77 not permitted, 78 refused, 1 anything else.
enum CheckPlan {
    static func run(configPath: String) async -> Int32 {
        let configuration: DaemonConfiguration
        let input: PlanInput
        do {
            configuration = try ConfigLoader.load(path: configPath)
            input = try PlanInput.read(configPath: configPath, usersPath: configuration.network.usersFile)
        } catch let error as PlanInputError {
            report("\(error)")
            return PlanInputError.exitCode
        } catch {
            report("\(error)")
            return ConfigCheck.configErrorExitCode
        }
        let client = ControlClient(socketPath: configuration.daemon.controlSocket)
        let response: ControlResponse
        do {
            response = try await client.send(.plan(input))
        } catch {
            report("no plan: \(error)")
            return error.exitCode
        }
        switch response.reply {
        case .plan(let plan):
            print("plan against the running tierd (\(configuration.daemon.controlSocket)):")
            print(ReloadReportText.render(plan, planned: true), terminator: "")
            return 0
        case .failure(let error):
            report("no plan: \(error.code): \(error.message)")
            for detail in error.details ?? [] { report("  \(detail)") }
            return error.code.exitCode
        default:
            report("no plan: unexpected reply \(response.line)")
            return 1
        }
    }

    private static func report(_ text: String) {
        FileHandle.standardError.write(Data(("tierd: " + text + "\n").utf8))
    }
}
