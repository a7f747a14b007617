import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The connections `ControlServer` is serving, counted per pool and per non-admin uid, and
/// the decision whether one more may be served (`ControlServerLimits`).
///
/// Called from the event loops as connections are accepted and closed; a lock, not an actor,
/// so that admitting or refusing never waits for anything.
final class ConnectionAdmission: Sendable {
    /// Which pool an admitted connection counts against; give it back with `release`.
    enum Ticket: Sendable, Hashable {
        case admin
        case user(uid_t)
    }

    private struct Counts {
        var admins = 0
        var users = 0
        var byUID: [uid_t: Int] = [:]
    }

    private let limits: ControlServerLimits
    private let counts = Mutex(Counts())

    init(limits: ControlServerLimits) {
        self.limits = limits
    }

    /// Counts the connection in and returns its ticket, or says which limit it would break.
    func admit(uid: uid_t, isAdmin: Bool) -> Result<Ticket, ConnectionRefusal> {
        counts.withLock { counts in
            if isAdmin {
                guard counts.admins < limits.maximumAdminConnections else {
                    return .failure(.adminLimit(limit: limits.maximumAdminConnections))
                }
                counts.admins += 1
                return .success(.admin)
            }
            let held = counts.byUID[uid, default: 0]
            guard held < limits.maximumConnectionsPerUser else {
                return .failure(.userLimit(uid: uid, limit: limits.maximumConnectionsPerUser))
            }
            guard counts.users < limits.maximumConnections else {
                return .failure(.serverFull(limit: limits.maximumConnections))
            }
            counts.users += 1
            counts.byUID[uid] = held + 1
            return .success(.user(uid))
        }
    }

    /// Gives back the slot of a connection that has closed.
    func release(_ ticket: Ticket) {
        counts.withLock { counts in
            switch ticket {
            case .admin:
                counts.admins -= 1
            case .user(let uid):
                counts.users -= 1
                let held = counts.byUID[uid, default: 1] - 1
                counts.byUID[uid] = held > 0 ? held : nil
            }
        }
    }

    /// Connections now counted: admin pool, non-admin pool, and the uids holding the latter.
    var occupancy: (admins: Int, users: Int, uids: Int) {
        counts.withLock { ($0.admins, $0.users, $0.byUID.count) }
    }
}
