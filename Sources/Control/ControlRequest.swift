/// One request line on the control socket, e.g.
/// `{"cmd":"override","user":"alice","tier":"full","for":"2h","reason":"..."}`.
///
/// Absent fields are omitted from the JSON (not sent as null). The server checks
/// `validate()` before calling the handler, so a handler can rely on the fields a
/// command needs being present.
public struct ControlRequest: Sendable, Hashable, Codable {
    public var command: ControlCommand
    /// User id (the `id` column of the users file), for `status`, `explain`, `override`, `clear`.
    public var user: String?
    /// Tier name, for `override`.
    public var tier: String?
    /// Override duration as the operator wrote it (`"2h"`, `"30m"`); nil = until cleared.
    /// Sent as `"for"`. The daemon parses it with its config duration syntax.
    public var duration: String?
    /// Free text recorded with an override in the audit log.
    public var reason: String?
    /// For `plan`: the candidate config and, optionally, users file, by content. The client
    /// reads them and sends their text because the daemon, under systemd's sandboxing, may
    /// not be able to read an operator's files. See `PlanInput`.
    public var plan: PlanInput?

    enum CodingKeys: String, CodingKey {
        case command = "cmd"
        case user, tier
        case duration = "for"
        case reason
        case plan
    }

    public init(command: ControlCommand, user: String? = nil, tier: String? = nil, duration: String? = nil, reason: String? = nil,
                plan: PlanInput? = nil) {
        self.command = command
        self.user = user
        self.tier = tier
        self.duration = duration
        self.reason = reason
        self.plan = plan
    }

    public static func status(user: String? = nil) -> ControlRequest { .init(command: .status, user: user) }
    public static func explain(user: String) -> ControlRequest { .init(command: .explain, user: user) }
    public static func override(user: String, tier: String, duration: String? = nil, reason: String? = nil) -> ControlRequest {
        .init(command: .override, user: user, tier: tier, duration: duration, reason: reason)
    }
    public static func clear(user: String) -> ControlRequest { .init(command: .clear, user: user) }
    public static let reload = ControlRequest(command: .reload)
    public static let metrics = ControlRequest(command: .metrics)
    public static let health = ControlRequest(command: .health)
    public static func plan(_ input: PlanInput) -> ControlRequest { .init(command: .plan, plan: input) }
    public static let counters = ControlRequest(command: .counters)

    /// Checks that the fields the command needs are present and non-empty.
    /// - Throws: a `bad_request` `ControlError` naming the missing field.
    public func validate() throws(ControlError) {
        func require(_ value: String?, _ name: String) throws(ControlError) {
            guard let value, !value.isEmpty else {
                throw ControlError(code: .badRequest, message: "\(command.rawValue) needs \"\(name)\"")
            }
        }
        switch command {
        case .explain, .clear:
            try require(user, "user")
        case .override:
            try require(user, "user")
            try require(tier, "tier")
        case .status:
            if let user, user.isEmpty { throw ControlError(code: .badRequest, message: "status: empty \"user\"") }
        case .plan:
            guard let plan else { throw ControlError(code: .badRequest, message: "plan needs \"plan\" (the config to plan for)") }
            try plan.validate()
        case .reload, .metrics, .health, .counters:
            break
        }
    }
}
