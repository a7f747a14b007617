/// The keys of `[daemon]`.
enum DaemonSectionKeys {
    static let table = ConfigKeyTable<DaemonSection>("daemon", [
        ConfigKey("state_dir", restartOnly: \.daemon.stateDir) { value, _, section in
            if let directory = value.absolutePath() { section.stateDir = directory }
        },
        ConfigKey("control_socket", restartOnly: \.daemon.controlSocket) { value, _, section in
            if let socket = value.socketPath() { section.controlSocket = socket }
        },
        ConfigKey("admin_group") { value, _, section in
            guard let group = value.string() else { return }
            if group.isEmpty {
                value.error("must not be empty (omit it to allow only root)")
            } else {
                section.adminGroup = group
            }
        },
        ConfigKey("reconcile_interval") { value, _, section in
            guard let interval = value.duration() else { return }
            if interval > 0 {
                section.reconcileInterval = interval
            } else {
                value.error("must be greater than 0s")
            }
        },
    ])
}
