/// Who is where, for one counter sample: each user's tier and class handle per direction
/// (nil: no class). Taken on the daemon's actor in one O(users) pass; the kernel dump it is
/// matched with happens elsewhere (`CounterSampler`).
struct CounterLayout: Sendable {
    var users: [String] = []
    var tiers: [String] = []
    var download: [UInt32?] = []
    var upload: [UInt32?] = []
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
        let classes = enforcer.classAssignments
        for user in users {
            layout.users.append(user.id)
            layout.tiers.append(engine.tier(of: user.id) ?? "")
            layout.download.append(classes[0][user.id])
            layout.upload.append(classes[1][user.id])
        }
        return layout
    }
}
