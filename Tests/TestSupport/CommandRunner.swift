import Foundation
import Glibc

/// Failure of an external command run by a test helper, with its output for the test log.
public struct CommandError: Error, CustomStringConvertible, Sendable {
    public var command: [String]
    public var status: Int32
    public var output: String
    public init(command: [String], status: Int32, output: String) {
        self.command = command
        self.status = status
        self.output = output
    }

    public var description: String { "`\(command.joined(separator: " "))` exited \(status): \(output)" }
}

/// Runs observation/setup tools (ip, tc, iperf3) for tests; the daemon itself never execs them.
public enum CommandRunner {
    /// Runs to completion; returns stdout, throws with stderr on a non-zero exit.
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: a full pipe would otherwise block the child forever.
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let out = String(decoding: outData, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandError(command: arguments, status: process.terminationStatus,
                               output: out + String(decoding: errData, as: UTF8.self))
        }
        return out
    }
}

/// A long-running helper process (an iperf3 server or a client run in the background).
public final class BackgroundProcess {
    private let process: Process
    private let output: Pipe

    init(_ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for exit and returns everything it printed on stdout.
    public func waitForOutput() -> String {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Stops the process (SIGKILL: iperf3 servers ignore SIGTERM while idle) and reaps it.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
