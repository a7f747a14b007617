/// `[daemon]`: where the daemon listens and keeps its state.
public struct DaemonSection: Sendable, Equatable {
    /// Absolute path of the control socket (`tierctl --socket`).
    public var controlSocket: String
    /// Absolute directory for the snapshot, journal and feed offsets.
    public var stateDir: String
    /// Group whose members may change things; nil means root only.
    public var adminGroup: String?
    /// Seconds between full kernel reconciliations (drift repair).
    public var reconcileInterval: Double

    public static let defaultControlSocket = "/run/tierd/control.sock"
    public static let defaultStateDir = "/var/lib/tierd"
    public static let defaultReconcileInterval = 30.0

    public init(
        controlSocket: String = DaemonSection.defaultControlSocket,
        stateDir: String = DaemonSection.defaultStateDir,
        adminGroup: String? = nil,
        reconcileInterval: Double = DaemonSection.defaultReconcileInterval
    ) {
        self.controlSocket = controlSocket
        self.stateDir = stateDir
        self.adminGroup = adminGroup
        self.reconcileInterval = reconcileInterval
    }
}
