/// One problem found in the config or users file, located so an operator can jump to it.
///
/// `line` is 1-based. Line 0 means the problem concerns the whole file (it cannot be
/// read, or a required section is absent); its description then reads "file: message",
/// every other one "file:line: message", the format `tierd --check` promises.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}

/// Every problem found in one load, ordered by line: loaders report all of them at
/// once so an operator fixes a file in one pass instead of one error per restart.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    public init(errors: [ConfigError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
