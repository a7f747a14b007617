import Foundation

/// One reply line on the control socket. The JSON shapes, one per case:
///
/// | case | JSON | answers |
/// |---|---|---|
/// | `users` | `{"ok":true,"users":[status, ...]}` | `status` without a user |
/// | `status` | `{"ok":true,"status":{...}}` | `status USER`; also `override`/`clear` (the new state) |
/// | `explanation` | `{"ok":true,"explanation":{...}}` | `explain USER` (free-form object) |
/// | `health` | `{"ok":true,"health":{...}}` | `health` |
/// | `metrics` | `{"ok":true,"metrics":"<prometheus text>"}` | `metrics` |
/// | `plan` | `{"ok":true,"plan":{...}}` | `plan` (`ReloadReport`: what a reload would do) |
/// | `reloaded` | `{"ok":true,"reload":{...}}` | `reload` (`ReloadReport`: what it did) |
/// | `counters` | `{"ok":true,"counters":{...}}` | `counters` (`CounterSample`) |
/// | `done` | `{"ok":true}` | `override`, `clear` when there is nothing more to say; `reload` of an older daemon |
/// | `failure` | `{"ok":false,"error":{"code":"...","message":"...","details":[...]}}` | any |
///
/// A single user's status is under `status` (not `user`) so that `user` keeps meaning a
/// user id everywhere in the protocol. Decoding picks the case by the key present, so a
/// reply with extra keys from a newer daemon still decodes.
public enum ControlReply: Sendable, Hashable, Codable {
    case users([UserStatus])
    case status(UserStatus)
    case explanation(JSONValue)
    case health(HealthReport)
    case metrics(String)
    case plan(ReloadReport)
    case reloaded(ReloadReport)
    case counters(CounterSample)
    case done
    case failure(ControlError)

    enum CodingKeys: String, CodingKey {
        case ok, users, status, explanation, health, metrics, plan, reload, counters, error
    }

    /// An error reply.
    public static func error(_ code: ControlErrorCode, _ message: String, details: [String]? = nil) -> ControlReply {
        .failure(ControlError(code: code, message: message, details: details))
    }

    public var isOK: Bool {
        if case .failure = self { return false }
        return true
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard try container.decode(Bool.self, forKey: .ok) else {
            self = .failure(try container.decode(ControlError.self, forKey: .error))
            return
        }
        if let users = try container.decodeIfPresent([UserStatus].self, forKey: .users) {
            self = .users(users)
        } else if let status = try container.decodeIfPresent(UserStatus.self, forKey: .status) {
            self = .status(status)
        } else if let explanation = try container.decodeIfPresent(JSONValue.self, forKey: .explanation) {
            self = .explanation(explanation)
        } else if let health = try container.decodeIfPresent(HealthReport.self, forKey: .health) {
            self = .health(health)
        } else if let metrics = try container.decodeIfPresent(String.self, forKey: .metrics) {
            self = .metrics(metrics)
        } else if let plan = try container.decodeIfPresent(ReloadReport.self, forKey: .plan) {
            self = .plan(plan)
        } else if let report = try container.decodeIfPresent(ReloadReport.self, forKey: .reload) {
            self = .reloaded(report)
        } else if let sample = try container.decodeIfPresent(CounterSample.self, forKey: .counters) {
            self = .counters(sample)
        } else {
            self = .done
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(isOK, forKey: .ok)
        switch self {
        case .users(let users): try container.encode(users, forKey: .users)
        case .status(let status): try container.encode(status, forKey: .status)
        case .explanation(let explanation): try container.encode(explanation, forKey: .explanation)
        case .health(let health): try container.encode(health, forKey: .health)
        case .metrics(let text): try container.encode(text, forKey: .metrics)
        case .plan(let plan): try container.encode(plan, forKey: .plan)
        case .reloaded(let report): try container.encode(report, forKey: .reload)
        case .counters(let sample): try container.encode(sample, forKey: .counters)
        case .done: break
        case .failure(let error): try container.encode(error, forKey: .error)
        }
    }
}
