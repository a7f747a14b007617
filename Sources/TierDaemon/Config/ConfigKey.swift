/// One key of a config section, declared once: its name, whether it must be written, how
/// its value is read into the section, and whether a reload may change it.
struct ConfigKey<Draft>: Sendable {
    /// Reads the written value into the draft, or records why it cannot.
    typealias Read = @Sendable (TOMLValueReader, ConfigReadContext, inout Draft) -> Void

    let name: String
    let isRequired: Bool
    /// Whether the loaded value differs between two configurations, for a key that only a
    /// restart may change (it names kernel objects or sockets tierd owns, or what the shaper
    /// was built with: changing it live would orphan what exists); nil when it reloads live.
    let restartOnlyChange: (@Sendable (DaemonConfiguration, DaemonConfiguration) -> Bool)?
    let read: Read

    /// A key a reload applies live.
    init(_ name: String, required: Bool = false, read: @escaping Read) {
        self.name = name
        isRequired = required
        restartOnlyChange = nil
        self.read = read
    }

    /// A key only a restart may change; `loaded` is where its value lands.
    init<Value: Equatable & Sendable>(
        _ name: String, required: Bool = false,
        restartOnly loaded: KeyPath<DaemonConfiguration, Value> & Sendable, read: @escaping Read
    ) {
        self.name = name
        isRequired = required
        restartOnlyChange = { $0[keyPath: loaded] != $1[keyPath: loaded] }
        self.read = read
    }
}
