@testable import Control
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The admission arithmetic with many accounts, which one test process cannot be: per-uid
/// limits, the shared non-admin pool, and the admins' reserve.
@Suite struct ConnectionAdmissionTests {
    static let limits = ControlServerLimits(maximumConnectionsPerUser: 8, maximumConnections: 20, maximumAdminConnections: 4)

    @Test func oneAccountGetsItsShareAndNoMore() {
        let admission = ConnectionAdmission(limits: Self.limits)
        let tickets = (0..<8).map { _ in admission.admit(uid: 1000, isAdmin: false) }
        #expect(tickets.allSatisfy { (try? $0.get()) == .user(1000) })
        for _ in 0..<300 {
            #expect(admission.admit(uid: 1000, isAdmin: false) == .failure(.userLimit(uid: 1000, limit: 8)))
        }
        // Another account and root are unaffected by the flood.
        #expect(admission.admit(uid: 1001, isAdmin: false) == .success(.user(1001)))
        #expect(admission.admit(uid: 0, isAdmin: true) == .success(.admin))
        admission.release(.user(1000))
        #expect(admission.admit(uid: 1000, isAdmin: false) == .success(.user(1000)))
    }

    @Test func manyAccountsFillTheSharedPoolButNotTheAdmins() {
        let admission = ConnectionAdmission(limits: Self.limits)
        for uid in 2000..<2020 { #expect(admission.admit(uid: uid_t(uid), isAdmin: false) == .success(.user(uid_t(uid)))) }
        #expect(admission.admit(uid: 3000, isAdmin: false) == .failure(.serverFull(limit: 20)))
        for _ in 0..<4 { #expect(admission.admit(uid: 0, isAdmin: true) == .success(.admin)) }
        #expect(admission.admit(uid: 0, isAdmin: true) == .failure(.adminLimit(limit: 4)))
        #expect(admission.occupancy == (admins: 4, users: 20, uids: 20))
        admission.release(.admin)
        admission.release(.user(2000))
        #expect(admission.occupancy == (admins: 3, users: 19, uids: 19))
        #expect(admission.admit(uid: 3000, isAdmin: false) == .success(.user(3000)))
    }
}
