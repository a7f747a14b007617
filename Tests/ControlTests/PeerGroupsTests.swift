#if canImport(Glibc)
import Glibc
#endif
import Control
import Testing

/// The groups the server sees are the ones the connecting process holds (SO_PEERGROUPS),
/// read in full: a process with more groups than the first buffer holds (64) makes the
/// kernel answer ERANGE with the size it needs, and the server asks again.
@Suite(.enabled(if: TierctlBinary.canSetGroups, "needs root, setpriv and the built tierctl"))
struct PeerGroupsTests {
    @Test func aPeerWithManyGroupsIsSeenWithEveryOne() async throws {
        let groups = (0..<100).map { gid_t(70_000 + $0) }
        try await TestServer.serving { server in
            let seen = try await Self.groupsSeen(server, setpriv: ["--groups=" + groups.map(String.init).joined(separator: ",")])
            #expect(seen == Set(groups + [getgid()]))
        }
    }

    @Test func aPeerThatClearedItsGroupsHasOnlyItsPrimaryGroup() async throws {
        try await TestServer.serving { server in
            let seen = try await Self.groupsSeen(server, setpriv: ["--clear-groups"])
            #expect(seen == [getgid()])
        }
    }

    /// The groups the server passed to the handler for a tierctl run through setpriv
    /// (`FakeControlHandler` echoes them in an explanation).
    static func groupsSeen(_ server: TestServer, setpriv: [String]) async throws -> Set<gid_t> {
        let result = try await TierctlBinary.run(["--socket", server.path, "explain", "me", "--json"], setpriv: setpriv)
        #expect(result.status == 0, "\(result.stderr)")
        guard case .explanation(let explanation) = try ControlWire.decode(ControlReply.self, from: result.stdout),
            case .array(let groups) = explanation["groups"]
        else { return [] }
        return Set(groups.compactMap { if case .integer(let gid) = $0 { gid_t(gid) } else { nil } })
    }
}
