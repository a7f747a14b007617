/// The `code` of an error reply. The contract's codes are the static members; the type is
/// a string wrapper rather than a closed enum so a client still decodes (and shows) a code
/// that a newer daemon added.
public struct ControlErrorCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// The peer may not do this (SO_PEERCRED policy). tierctl exits 77.
    public static let forbidden = ControlErrorCode(rawValue: "forbidden")
    /// No user with that id in the users file.
    public static let unknownUser = ControlErrorCode(rawValue: "unknown_user")
    /// No tier with that name in the config.
    public static let unknownTier = ControlErrorCode(rawValue: "unknown_tier")
    /// Malformed, oversized or incomplete request. tierctl exits 64.
    public static let badRequest = ControlErrorCode(rawValue: "bad_request")
    /// `reload` refused: the new config has errors (listed in `details`). tierctl exits 78.
    public static let configError = ControlErrorCode(rawValue: "config_error")
    /// The change could not be made durable (state_dir full, removed, unwritable, a symlink
    /// where a state file should be); it was not applied. The message names the file and the
    /// system's reason. tierctl exits 1.
    public static let persistence = ControlErrorCode(rawValue: "persistence")

    /// The control socket refused the connection: the caller's account (or all non-admin
    /// accounts together) already holds as many connections as it may. tierctl exits 69.
    public static let busy = ControlErrorCode(rawValue: "busy")
    /// Anything else that went wrong inside the daemon.
    public static let `internal` = ControlErrorCode(rawValue: "internal")
}

extension ControlErrorCode {
    /// The sysexits code a client exits with for this error reply (tierctl, `tierd --check
    /// --plan`). `busy` (the connection limits refused us) is 69, like an unreachable daemon:
    /// try again later.
    public var exitCode: Int32 {
        switch self {
        case .forbidden: 77
        case .configError: 78
        case .badRequest: 64
        case .busy: 69
        default: 1
        }
    }
}
