/// Who is where, for one counter sample: each user's tier, interface (index in config order)
/// and class handle per direction (nil: no class). Taken on the daemon's actor in one O(users) pass; the kernel dump it is
/// matched with happens elsewhere (`CounterSampler`).
struct CounterLayout: Sendable {
    var users: [String] = []
    var tiers: [String] = []
    var download: [UInt32?] = []
    var upload: [UInt32?] = []
    /// Empty when every user is on the first interface.
    var interface: [Int] = []
}

extension Daemon {
    /// The users in users-file order with their tier and class handles. The enforcer's
    /// user -> class dictionaries are released before this returns, so the engines stay the
    /// only owners of theirs (a kept reference would make the next change copy them whole).
    func counterLayout() -> CounterLayout {
        var layout = CounterLayout()
        layout.users.reserveCapacity(users.count)
        layout.tiers.reserveCapacity(users.count)
        layout.download.reserveCapacity(users.count)
        layout.upload.reserveCapacity(users.count)
        let (classes, interfaceOf) = enforcer.classAssignments
        if classes.count > 1 { layout.interface.reserveCapacity(users.count) }
        for user in users {
            let interface = interfaceOf[user.id] ?? 0
            layout.users.append(user.id)
            layout.tiers.append(engine.tier(of: user.id)?.name ?? "")
            layout.download.append(classes[interface][0][user.id])
            layout.upload.append(classes[interface][1][user.id])
            if classes.count > 1 { layout.interface.append(interface) }
        }
        return layout
    }
}
