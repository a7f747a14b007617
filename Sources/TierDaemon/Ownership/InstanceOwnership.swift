/// What makes a tierd the only one: its state directory and its devices, held until the
/// process ends. Taken first thing after the configuration is read, before anything is
/// touched (kernel, sockets, state files), so a second instance refuses without disturbing
/// the running one. Two instances that each "repair" the other's changes would otherwise
/// fight forever.
///
/// - `state_dir/tierd.lock` (`StateDirectoryLock`): one tierd per state directory (so per
///   config, and per snapshot/journal/audit log).
/// - `tierd/<netns inode>/<device>` (`DeviceClaim`) for every interface and every IFB: one
///   tierd per device, even from another config with another state directory.
public final class InstanceOwnership {
    public let lockPath: String
    public let claimedNames: [String]
    private let lock: StateDirectoryLock
    private let claims: [DeviceClaim]

    private init(lock: StateDirectoryLock, claims: [DeviceClaim]) {
        self.lock = lock
        self.claims = claims
        lockPath = lock.path
        claimedNames = claims.map(\.name)
    }

    /// Takes the state directory, then the devices; throws `OwnershipError.heldByAnother`
    /// naming the running owner when one of them is taken. Whatever was taken before the
    /// refusal is released with the returned error (nothing else was done meanwhile).
    public static func acquire(_ configuration: DaemonConfiguration) throws(OwnershipError) -> InstanceOwnership {
        let lock = try StateDirectoryLock.acquire(directory: configuration.daemon.stateDir)
        let network = configuration.network
        let claims = try DeviceClaim.acquire(devices: network.devices, namespace: network.namespace)
        return InstanceOwnership(lock: lock, claims: claims)
    }
}
