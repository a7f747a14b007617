import Foundation

/// Runs the system tools the benchmark compares against (`tc -batch`) and uses to build
/// its namespaces (`ip`). Only the benchmark and tests exec these; the daemon never does.
enum Shell {
    struct Failure: Error, CustomStringConvertible {
        let command: [String]
        let status: Int32
        let output: String
        var description: String { "\(command.joined(separator: " ")) exited \(status): \(output.prefix(2000))" }
    }

    @discardableResult
    static func run(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        if process.terminationStatus != 0 && !allowFailure {
            throw Failure(command: arguments, status: process.terminationStatus, output: output)
        }
        return output
    }

    /// Runs `command` inside the named network namespace.
    @discardableResult
    static func inNamespace(_ namespace: String, _ command: [String], allowFailure: Bool = false) throws -> String {
        try run(["ip", "netns", "exec", namespace] + command, allowFailure: allowFailure)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
