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
            let group = value.accepted(value.string(), if: { !$0.isEmpty }, else: { _ in "must not be empty (omit it to allow only root)" })
            if let group { section.adminGroup = group }
        },
        ConfigKey("reconcile_interval") { value, _, section in
            let interval = value.accepted(value.duration(), if: { $0 > 0 }, else: { _ in "must be greater than 0s" })
            if let interval { section.reconcileInterval = interval }
        },
    ])
}
