import ArgumentParser
import Foundation
import LibreQoSImport

/// `tierctl import libreqos ShapedDevices.csv`: LibreQoS circuits -> tierd users, plans ->
/// proposed tiers. The conversion is `ShapedDevicesImport` (pure); this reads and writes.
///
/// DECISION: when some rows cannot be mapped, the files are still written with every row
/// that could (each skipped row is listed on stderr with its line and reason) and the exit
/// status is 65, so a migration can proceed row by row while a script still stops. A file
/// that cannot be read at all (unreadable, no usable header, bad --plans) writes nothing.
struct LibreQoSImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "libreqos",
        abstract: "Convert LibreQoS's ShapedDevices.csv into a users file and proposed tiers.",
        discussion: """
            Each circuit (Circuit ID) becomes a user whose addresses are the IPv4 and IPv6 \
            fields of all its device rows. Each distinct Download Max / Upload Max pair (Mbps) \
            becomes a proposed [[tier]] block, fastest first. A row that cannot be mapped (bad \
            address, no circuit, rates that differ within a circuit, an address or prefix \
            already held by another circuit, ...) is listed on stderr with its line and left out; \
            the earlier row is kept.

            Exit status: 0 every row mapped, 65 some rows skipped (the files are written without \
            them) or nothing usable (nothing written), 66 an input cannot be read, 73 an output \
            cannot be written.
            """
    )

    @Argument(help: ArgumentHelp("LibreQoS's ShapedDevices.csv.", valueName: "shaped-devices.csv"),
              completion: .file(extensions: ["csv"]))
    var input: String

    @Option(help: ArgumentHelp(
        "Tier names for plans: [[plan]] tables with download and upload (Mbps) and tier.",
        valueName: "plans.toml"), completion: .file(extensions: ["toml"]))
    var plans: String?

    @Option(help: ArgumentHelp("Where to write the users file (- for stdout).", valueName: "path"),
            completion: .file())
    var output: String = "-"

    @Option(help: ArgumentHelp("Where to write the proposed [[tier]] blocks.", valueName: "path"),
            completion: .file())
    var tiersOutput: String?

    func run() throws {
        let text = try Self.read(input)
        let names = try plans.map { path in try Self.planNames(in: path) } ?? [:]
        let result: ShapedDevicesImport.Result
        switch ShapedDevicesImport.convert(text) {
        case .success(let converted): result = converted
        case .failure(let error):
            Output.error("\(input): \(error)")
            throw ExitCode(65)
        }
        let source = (input as NSString).lastPathComponent
        try Self.write(UsersFileText.render(result.users, source: source), to: output)
        let proposal = TierProposal(users: result.users, names: names)
        if let tiersOutput { try Self.write(proposal.render(source: source), to: tiersOutput) }
        for row in result.skipped { Output.error("\(input):\(row.line): skipped: \(row.reason)") }
        let mapped = result.rowCount - result.skipped.count
        let count = { (number: Int, noun: String) in "\(number) \(noun)\(number == 1 ? "" : "s")" }
        Output.error("\(mapped) of \(count(result.rowCount, "row")) mapped: \(count(result.users.count, "user")), \(count(proposal.tiers.count, "plan"))")
        if !result.skipped.isEmpty { throw ExitCode(65) }
    }

    private static func read(_ path: String) throws -> String {
        do {
            return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            Output.error("cannot read \(path): \((error as NSError).localizedDescription)")
            throw ExitCode(66)
        }
    }

    /// Writes atomically (a temporary file renamed over `path`), so an existing users file
    /// is never left half-written.
    private static func write(_ text: String, to path: String) throws {
        if path == "-" { return Output.text(text) }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            Output.error("cannot write \(path): \((error as NSError).localizedDescription)")
            throw ExitCode(73)
        }
    }

    private static func planNames(in path: String) throws -> [RatePlan: String] {
        switch PlansFile.parse(try read(path)) {
        case .success(let names): return names
        case .failure(let problems):
            for problem in problems.problems { Output.error("\(path): \(problem)") }
            throw ExitCode(65)
        }
    }
}
