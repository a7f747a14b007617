/// The `cmd` of a control request: the closed set of things a client may ask the daemon.
public enum ControlCommand: String, Sendable, Hashable, Codable, CaseIterable {
    case status
    case explain
    case override
    case clear
    case reload
    case metrics
    case health
    /// What a reload of the given config and users file would do, without doing it (admin).
    case plan
    /// Per-user traffic counters of the shaped classes, for `tierctl top` (admin).
    case counters
}
