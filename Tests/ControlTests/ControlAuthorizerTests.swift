#if canImport(Glibc)
import Glibc
#endif
import Control
import Testing

/// The authorization decision table: who may do what.
@Suite struct ControlAuthorizerTests {
    static let adminGroup: gid_t = 4000
    static let authorizer = ControlAuthorizer(
        adminGroupID: adminGroup,
        usersByUID: [1001: ["alice", "alice-phone"], 1002: ["bob"]])

    static let root = PeerCredentials(pid: 1, uid: 0, gid: 0)
    static let adminByPrimaryGroup = PeerCredentials(pid: 2, uid: 1500, gid: adminGroup)
    static let adminBySupplementaryGroup = PeerCredentials(pid: 3, uid: 1501, gid: 100, groups: [100, adminGroup])
    static let alice = PeerCredentials(pid: 4, uid: 1001, gid: 1001, groups: [1001, 100])
    static let stranger = PeerCredentials(pid: 5, uid: 2000, gid: 2000)

    static let everyRequest: [ControlRequest] = [
        .status(), .status(user: "alice"), .status(user: "bob"), .explain(user: "alice"), .explain(user: "bob"),
        .override(user: "alice", tier: "full"), .clear(user: "alice"), .reload, .metrics, .health,
        .plan(PlanInput(config: .init(path: "/etc/tierd/tierd.toml", text: ""))), .counters,
    ]

    @Test(arguments: [root, adminByPrimaryGroup, adminBySupplementaryGroup])
    func adminsMayDoEverything(_ peer: PeerCredentials) {
        #expect(Self.authorizer.isAdmin(peer))
        for request in Self.everyRequest {
            #expect(Self.authorizer.authorize(request, from: peer) == .allowed, "\(request)")
        }
    }

    @Test func mappedUserReadsOnlyTheirOwnUsers() {
        let peer = Self.alice
        #expect(!Self.authorizer.isAdmin(peer))
        let expected: [(ControlRequest, Bool)] = [
            (.status(user: "alice"), true), (.status(user: "alice-phone"), true), (.explain(user: "alice"), true),
            (.status(user: "bob"), false), (.explain(user: "bob"), false), (.status(user: "ghost"), false),
            (.override(user: "alice", tier: "full"), false), (.clear(user: "alice"), false),
            (.reload, false), (.metrics, false), (.health, false),
            (.plan(PlanInput(config: .init(path: "/home/alice/t.toml", text: ""))), false), (.counters, false),
        ]
        for (request, allowed) in expected {
            let decision = Self.authorizer.authorize(request, from: peer)
            #expect((decision == .allowed) == allowed, "\(request)")
            if !allowed { #expect(decision.isForbidden, "\(request)") }
        }
        #expect(Self.authorizer.authorize(.status(), from: peer) == .restricted(to: ["alice", "alice-phone"]))
    }

    @Test func strangerIsRefusedEverything() {
        for request in Self.everyRequest {
            #expect(Self.authorizer.authorize(request, from: Self.stranger).isForbidden, "\(request)")
        }
    }

    @Test func withoutAdminGroupOnlyRootIsAdmin() {
        let authorizer = ControlAuthorizer(adminGroupID: nil, usersByUID: [:])
        #expect(authorizer.isAdmin(Self.root))
        #expect(!authorizer.isAdmin(Self.adminByPrimaryGroup))
        #expect(authorizer.authorize(.reload, from: Self.adminBySupplementaryGroup).isForbidden)
    }

    @Test func forbiddenCarriesTheContractCode() {
        guard case .forbidden(let error) = Self.authorizer.authorize(.reload, from: Self.alice) else {
            Issue.record("reload by a non-admin was not refused")
            return
        }
        #expect(error.code == .forbidden)
        #expect(error.message.contains("1001"))
    }

    @Test func restrictedDecisionFiltersTheUserList() {
        let decision = ControlAuthorization.restricted(to: ["alice"])
        #expect(decision.filter(.users([Fixtures.alice, Fixtures.bob])) == .users([Fixtures.alice]))
        #expect(decision.filter(.metrics("x")) == .metrics("x"))
        #expect(ControlAuthorization.allowed.filter(.users([Fixtures.bob])) == .users([Fixtures.bob]))
    }

    @Test func authorizingHandlerAppliesThePolicy() async {
        let handler = AuthorizingControlHandler(authorizer: { Self.authorizer }, inner: EchoUsersHandler())
        #expect(await handler.handle(.status(), from: Self.alice) == .users([Fixtures.alice]))
        #expect(await handler.handle(.status(), from: Self.root) == .users([Fixtures.alice, Fixtures.bob]))
        let refused = await handler.handle(.reload, from: Self.alice)
        guard case .failure(let error) = refused else {
            Issue.record("reload by a non-admin reached the handler")
            return
        }
        #expect(error.code == .forbidden)
    }

    @Test func currentProcessGroupsIncludePrimaryGroup() {
        let me = PeerCredentials.currentProcess()
        #expect(me.groups.contains(me.gid))
        #expect(ControlAuthorizer.groupID(named: "root") == 0)
        #expect(ControlAuthorizer.groupID(named: "no-such-group-tierd-test") == nil)
    }
}

extension ControlAuthorization {
    var isForbidden: Bool {
        if case .forbidden(let error) = self { return error.code == .forbidden }
        return false
    }
}

/// Answers every request with both fixture users, whatever was asked: enough to see
/// what `AuthorizingControlHandler` lets through.
struct EchoUsersHandler: ControlHandler {
    func handle(_ request: ControlRequest, from peer: PeerCredentials) async -> ControlReply {
        .users([Fixtures.alice, Fixtures.bob])
    }
}

@Suite struct ControlAuthorizerResolvingTests {
    @Test func resolvesLoginNamesNumericIDsAndReportsUnknownNames() {
        let (authorizer, unresolved) = ControlAuthorizer.resolving(
            adminGroup: "root",
            unixUsers: ["alice": "root", "bob": "1001", "carol": "no-such-login-tierd", "dave": ""])
        #expect(authorizer.adminGroupID == 0)
        #expect(authorizer.usersByUID == [0: ["alice"], 1001: ["bob"]])
        #expect(unresolved == ["no-such-login-tierd"])
    }

    @Test func unknownAdminGroupLeavesOnlyRoot() {
        let (authorizer, unresolved) = ControlAuthorizer.resolving(adminGroup: "no-such-group-tierd", unixUsers: [:])
        #expect(authorizer.adminGroupID == nil)
        #expect(unresolved == ["no-such-group-tierd"])
        #expect(authorizer.isAdmin(PeerCredentials(pid: 1, uid: 0, gid: 0)))
        #expect(!authorizer.isAdmin(PeerCredentials(pid: 1, uid: 5, gid: 5)))
    }
}
