/// A heap entry: "re-evaluate user `user` at `due`". Entries are never removed when a
/// user's due instant changes; instead they are recognised as stale on pop (lazy invalidation).
struct DueEntry: Comparable, Sendable {
    var due: Double
    var user: Int32

    static func < (lhs: DueEntry, rhs: DueEntry) -> Bool {
        lhs.due < rhs.due || (lhs.due == rhs.due && lhs.user < rhs.user)
    }
}
