import Foundation
import Testing
import TestSupport

/// The control socket's authorization (docs/operations.md, authorization) with real local
/// accounts made for the test, so the daemon sees genuine SO_PEERCRED credentials and
/// resolves the admin group and `unix_user` through NSS exactly as in production:
///
/// - an admin whose admin-group membership is only *supplementary* (`ucred` carries the
///   primary gid only, so this is the case that needs SO_PEERGROUPS);
/// - a mapped user, the `unix_user` of alice in the users file;
/// - a stranger with no mapping.
///
/// Every contract command is run as each of them through the built `tierctl`. Admin rights
/// follow the groups the connecting process holds, not the group database: that is checked
/// by running tierctl with groups cleared or granted (setpriv), as daemons and systemd do.
@Suite(.serialized, .enabled(if: isRoot() && LocalAccounts.toolsPresent, "needs root, useradd/groupadd and setpriv"))
struct AuthorizationEndToEndTests {
    @Test func everyContractCommandAsAdminMappedUserAndStranger() throws {
        let accounts = try LocalAccounts.make()
        defer { accounts.remove() }
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try accounts.configure(daemon)
        try daemon.start()
        let socket = daemon.ctl

        // Root gives bob a known state that the refused commands must not change.
        #expect(try tierctl(socket + ["override", "bob", "minimal", "--reason", "baseline"]).status == 0)

        // The admin: member of admin_group only through a supplementary group.
        for arguments in Self.readCommands + [["override", "bob", "reduced", "--for", "1h", "--reason", "admin"]] {
            let result = try accounts.tierctl(as: accounts.admin, socket + arguments)
            #expect(result.status == 0, "admin \(arguments): \(result.output)")
        }
        #expect(try tier(of: "bob", socket) == "reduced")
        // Every changing command also speaks JSON: the daemon's reply line on stdout.
        for arguments in [["clear", "bob", "--json"], ["reload", "--json"], ["reload"], ["metrics", "--json"]] {
            let result = try accounts.tierctl(as: accounts.admin, socket + arguments)
            #expect(result.status == 0, "admin \(arguments): \(result.output)")
            if arguments.contains("--json") { #expect(isOKReply(result.output), "admin \(arguments): \(result.output)") }
        }
        #expect(try accounts.tierctl(as: accounts.admin, socket + ["metrics"]).output.contains("tierd_users{"))
        #expect(try tier(of: "bob", socket) == "full")
        #expect(try tierctl(socket + ["override", "bob", "minimal", "--reason", "baseline"]).status == 0)

        // The mapped user: their own user's status and explain, nothing else.
        for arguments in [["status", "alice"], ["status", "alice", "--json"], ["explain", "alice"], ["explain", "alice", "--json"]] {
            let result = try accounts.tierctl(as: accounts.mapped, socket + arguments)
            #expect(result.status == 0, "mapped \(arguments): \(result.output)")
            #expect(result.output.contains("alice"), "mapped \(arguments): \(result.output)")
        }
        // `status` without a user lists only theirs.
        let listing = try accounts.tierctl(as: accounts.mapped, socket + ["status", "--json"])
        #expect(listing.status == 0, "\(listing.output)")
        #expect(try listedUsers(listing.output) == ["alice"], "\(listing.output)")
        // Another user's entries, a user that does not exist (no existence oracle), and every
        // changing or aggregate command, even about their own user.
        let refusedForMapped: [[String]] = [
            ["status", "bob"], ["explain", "bob"], ["status", "mallory"],
            ["override", "alice", "full"], ["override", "bob", "full"], ["clear", "alice"], ["clear", "bob"],
        ] + Self.privilegedCommands
        for arguments in refusedForMapped {
            let result = try accounts.tierctl(as: accounts.mapped, socket + arguments)
            #expect(result.status == 77, "mapped \(arguments): \(result.output)")
            #expect(result.output.contains("forbidden"), "mapped \(arguments): \(result.output)")
        }

        // The stranger: refused everything, including the plain listing.
        let refusedForStranger: [[String]] = [
            ["status"], ["status", "alice"], ["explain", "alice"], ["override", "bob", "full"], ["clear", "bob"],
        ] + Self.privilegedCommands
        for arguments in refusedForStranger {
            let result = try accounts.tierctl(as: accounts.stranger, socket + arguments)
            #expect(result.status == 77, "stranger \(arguments): \(result.output)")
            #expect(result.output.contains("forbidden"), "stranger \(arguments): \(result.output)")
        }

        // Nothing refused took effect, and the daemon is still serving.
        #expect(try tier(of: "bob", socket) == "minimal")
        #expect(try tierctl(socket + ["health"]).status == 0, "log: \(daemon.log)")
    }

    @Test func adminRightsFollowTheConnectingProcessNotTheGroupDatabase() throws {
        let accounts = try LocalAccounts.make()
        defer { accounts.remove() }
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try accounts.configure(daemon)
        try daemon.start()
        let socket = daemon.ctl

        // The admin account is in admin_group in /etc/group, but this process dropped its
        // groups: it is not an admin.
        for arguments in [["health"], ["override", "bob", "full"], ["reload"]] {
            let result = try accounts.tierctl(as: accounts.admin, groups: .cleared, socket + arguments)
            #expect(result.status == 77, "admin without groups \(arguments): \(result.output)")
            #expect(result.output.contains("forbidden"), "admin without groups \(arguments): \(result.output)")
        }
        // The stranger is in no group of the database, but this process holds the admin gid
        // as a supplementary group (what systemd's SupplementaryGroups= gives): an admin.
        for arguments in [["health"], ["override", "bob", "reduced", "--reason", "granted"], ["reload"], ["metrics"]] {
            let result = try accounts.tierctl(as: accounts.stranger, groups: .only([accounts.adminGroup]), socket + arguments)
            #expect(result.status == 0, "stranger with the admin group \(arguments): \(result.output)")
        }
        #expect(try tier(of: "bob", socket) == "reduced")
        // The admin gid as the process's primary gid counts too (SO_PEERCRED's gid).
        let primary = try accounts.tierctl(as: accounts.stranger, primaryGroup: accounts.adminGroup, groups: .cleared, socket + ["health"])
        #expect(primary.status == 0, "\(primary.output)")
        // Root is an admin by uid, whatever groups it holds.
        let root = try runProcess("/usr/bin/setpriv", ["--clear-groups", BuiltProducts.tierctl] + socket + ["health"])
        #expect(root.status == 0, "\(root.output)")
    }

    /// Read commands an admin may run (the mapped user is tested separately).
    static let readCommands: [[String]] = [
        ["status"], ["status", "--json"], ["status", "alice"], ["explain", "alice"], ["explain", "bob", "--json"],
        ["metrics"], ["health"], ["health", "--json"],
    ]

    /// Commands only root and the admin group may run.
    static let privilegedCommands: [[String]] = [["reload"], ["metrics"], ["health"], ["health", "--json"]]

    private func tier(of user: String, _ socket: [String]) throws -> String? {
        let result = try tierctl(socket + ["status", user, "--json"])
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else {
            return nil
        }
        return (object["status"] as? [String: Any])?["tier"] as? String
    }

    /// One JSON object line with `"ok": true`.
    private func isOKReply(_ output: String) -> Bool {
        let lines = output.split(separator: "\n")
        guard lines.count == 1, let object = try? JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any] else {
            return false
        }
        return object["ok"] as? Bool == true
    }

    private func listedUsers(_ output: String) throws -> [String] {
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
            let users = object["users"] as? [[String: Any]]
        else { return [] }
        return users.compactMap { $0["user"] as? String }.sorted()
    }
}

/// Three throwaway local accounts and an admin group, named `tierdt-<random><role>` so
/// parallel runs do not collide. `remove()` deletes whatever was created, also after a
/// partial failure.
final class LocalAccounts {
    let tag: String
    var adminGroup: String { "tierdt-\(tag)g" }
    var admin: String { "tierdt-\(tag)a" }
    var mapped: String { "tierdt-\(tag)m" }
    var stranger: String { "tierdt-\(tag)s" }
    private var createdUsers: [String] = []
    private var createdGroups: [String] = []

    static var toolsPresent: Bool {
        ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/sbin/groupadd", "/usr/sbin/groupdel", "/usr/bin/setpriv"]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private init() {
        tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
    }

    static func make() throws -> LocalAccounts {
        let accounts = LocalAccounts()
        do {
            try accounts.create()
        } catch {
            accounts.remove()
            throw error
        }
        return accounts
    }

    private func create() throws {
        try shadowTool(["groupadd", adminGroup])
        createdGroups.append(adminGroup)
        // -U: each user's primary group is its own, so admin rights can only come from the
        // supplementary membership given with -G.
        for (user, extra) in [(admin, ["-G", adminGroup]), (mapped, []), (stranger, [])] {
            try shadowTool(["useradd", "-M", "-U", "-s", "/usr/sbin/nologin"] + extra + [user])
            createdUsers.append(user)
            createdGroups.append(user)
        }
    }

    /// Makes `admin_group` the test's group and alice's `unix_user` the mapped account, and
    /// lets the accounts reach the daemon's sockets (mkdtemp makes the directory 0700).
    func configure(_ daemon: DaemonFixture) throws {
        guard chmod(daemon.dir.path, 0o755) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM) }
        let setup = daemon.setup
        var config = try String(contentsOfFile: setup.configPath, encoding: .utf8)
        config = config.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\nadmin_group = \"\(adminGroup)\"\n")
        try config.write(toFile: setup.configPath, atomically: true, encoding: .utf8)
        let usersPath = setup.directory + "/users.csv"
        var users = try String(contentsOfFile: usersPath, encoding: .utf8)
        users = users.replacingOccurrences(of: "alice,10.98.0.11 fd98::11,\n", with: "alice,10.98.0.11 fd98::11,\(mapped)\n")
        try users.write(toFile: usersPath, atomically: true, encoding: .utf8)
    }

    /// Runs the built tierctl as `user` (primary group: `primaryGroup`, by default the user's
    /// own), with the supplementary groups `groups` says. Output is stdout+stderr.
    func tierctl(
        as user: String, primaryGroup: String? = nil, groups: GroupGrant = .login, _ arguments: [String]
    ) throws -> (status: Int32, output: String) {
        try runProcess("/usr/bin/setpriv", Self.setpriv(user: user, primaryGroup: primaryGroup, groups: groups) + [BuiltProducts.tierctl] + arguments)
    }

    /// setpriv's options to run a command as `user` with those groups.
    static func setpriv(user: String, primaryGroup: String? = nil, groups: GroupGrant = .login) -> [String] {
        let supplementary: String = switch groups {
        case .login: "--init-groups"
        case .cleared: "--clear-groups"
        case .only(let names): "--groups=\(names.joined(separator: ","))"
        }
        return ["--reuid=\(user)", "--regid=\(primaryGroup ?? user)", supplementary]
    }

    func remove() {
        for user in createdUsers.reversed() { _ = try? shadowTool(["userdel", user]) }
        // userdel removes a user's own group already; what is left is removed here.
        for group in createdGroups.reversed() where getgrnam(group) != nil {
            _ = try? shadowTool(["groupdel", group])
        }
        createdUsers.removeAll()
        createdGroups.removeAll()
    }

    /// Runs a shadow-utils tool, retrying while another process (a parallel test) holds the
    /// /etc/passwd or /etc/group lock.
    private func shadowTool(_ arguments: [String]) throws {
        var attempt = 0
        while true {
            do {
                try CommandRunner.run(arguments)
                return
            } catch let error as CommandError where error.output.contains("lock") && attempt < 50 {
                attempt += 1
                usleep(100_000)
            }
        }
    }
}

/// The supplementary groups a command run as another account gets (setpriv).
enum GroupGrant {
    /// The account's groups from the group database, as a login session has them (--init-groups).
    case login
    /// None at all (--clear-groups), as a daemon that dropped its groups has.
    case cleared
    /// Exactly these (--groups), as systemd's SupplementaryGroups= gives them.
    case only([String])
}
