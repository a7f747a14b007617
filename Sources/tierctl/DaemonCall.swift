import ArgumentParser
import Control

/// The one path by which subcommands talk to the daemon, so that failures print the same
/// way and map to the same exit codes everywhere.
enum DaemonCall {
    /// Sends `request`; on a transport failure prints why and exits 69 (77 for EACCES).
    static func send(_ request: ControlRequest, with client: ControlClient) async throws -> ControlResponse {
        do {
            return try await client.send(request)
        } catch {
            Output.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }

    /// Sends `request` and returns the reply if it is not an error reply. An error reply is
    /// printed (with every detail line) and ends the command with its exit code. With
    /// `json`, the daemon's reply line is printed to stdout first, whatever it says.
    static func reply(to request: ControlRequest, with client: ControlClient, json: Bool = false) async throws -> ControlReply {
        let response = try await send(request, with: client)
        if json { Output.line(response.line) }
        if case .failure(let error) = response.reply {
            Output.error("\(error.code): \(error.message)")
            for detail in error.details ?? [] { Output.error("  \(detail)") }
            throw ExitCode(exitCode(for: error.code))
        }
        return response.reply
    }

    /// sysexits code for a daemon error code (`ControlErrorCode.exitCode`).
    static func exitCode(for code: ControlErrorCode) -> Int32 { code.exitCode }

    /// Ends the command when the daemon answered with a reply shape the command cannot use.
    static func unexpected(_ reply: ControlReply, for command: ControlCommand) -> ExitCode {
        Output.error("unexpected reply to \(command.rawValue): \((try? ControlWire.encodeLine(reply)) ?? "?")")
        return ExitCode(1)
    }
}
