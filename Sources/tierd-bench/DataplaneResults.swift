/// Everything one `tierd-bench dataplane` run measured, as written by `--json`.
struct DataplaneResults: Codable {
    var machine = MachineInfo()
    var quick = false
    var family = DataplaneFamily.ipv4
    /// Measured window per sample, after `warmupSeconds` of sending that is not counted.
    var seconds = 0.0
    var warmupSeconds = 0.0
    var rounds = 0
    var frameBytes = 64
    /// The exact command line of the run.
    var command = ""
    var trees: [DataplaneTree] = []
    var rows: [DataplaneRow] = []
}

/// One test bed: unshaped, or tierd's tree for `users` users.
struct DataplaneTree: Codable {
    /// 0: no shaping (no qdisc on either veth end).
    var users: Int
    /// prepare() + converge(to:) of the users, seconds (0 when unshaped).
    var buildSeconds: Double
    /// After all rounds, per measured direction: users whose class counted packets, which
    /// shows the frames were classified to the users (not to HTB's direct queue).
    var usersWithPackets: [String: Int]
}

/// One (direction, tree, threads) cell: every round's rate and the medians.
struct DataplaneRow: Codable {
    var direction: DataplaneDirection
    var users: Int
    var threads: Int
    /// Frames counted at the receiving side per second, one per round, in round order.
    var deliveredPerSecond: [Double]
    /// Frames the generator got accepted per second, one per round.
    var sentPerSecond: [Double]
    /// sendmmsg calls refused with ENOBUFS (a full queue), summed over rounds.
    var refusedCalls: UInt64
    var medianDeliveredPerSecond: Double
    /// median / the unshaped median of the same direction and threads, in percent.
    var percentOfNoShaping: Double
    /// 1 thread only: 1e9 * (1/median - 1/unshaped median), the time the tree adds per frame.
    var nanosecondsAddedPerPacket: Double?
}
