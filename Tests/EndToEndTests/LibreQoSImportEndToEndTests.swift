import Foundation
import Testing
import TestSupport

/// `tierctl import libreqos` on a ShapedDevices.csv in LibreQoS's documented format, and
/// the real `tierd --check` on what it wrote: the users file and the proposed tiers load.
@Suite struct LibreQoSImportEndToEndTests {
    private static let header = "Circuit ID,Circuit Name,Device ID,Device Name,Parent Node,Parent Node ID,Anchor Node ID,MAC,IPv4,IPv6,Download Min Mbps,Upload Min Mbps,Download Max Mbps,Upload Max Mbps,Comment,sqm"

    private static let devices = """
        \(header)
        10001,"968 Circle St., Gurnee, IL 60031",1,Device 1,AP_A,,site_1,,"100.64.0.1, 100.64.0.14",fdd7:b724:0:100::/56,1,1,155,20,,
        2794,"6 Littleton Drive, Ringgold, GA 30736",5,Device 5,AP_11,,site_2794,,100.64.0.5,"fdd7:b724:0:500::/56,fdd7:b724:0:600::/56",1,1,105,18,"",cake/fq_codel
        2794,"6 Littleton Drive, Ringgold, GA 30736",6,Device 6,AP_11,,site_2794,,100.64.0.6,,1,1,105,18,,
        10003,"255 NW. Newport Ave.",3,Device 3,AP_9,,site_3,,100.64.1.0/29,,1.25,0.75,10.5,5.25,,/none
        10004,Peabody,4,Device 4,AP_9,,,,,2001:db8:4::/48,1,1,2.5,2,,
        """

    /// Rows tierd would refuse: an address of another circuit, one inside another's prefix.
    private static let clashing = """
        10005,Duplicate,7,Device 7,AP_1,,,,100.64.0.14,,1,1,105,18,,
        10006,Inside,8,Device 8,AP_1,,,,,2001:db8:4:1::/64,1,1,105,18,,
        """

    @Test func writtenUsersAndTiersPassTierdCheck() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try (Self.devices + "\n" + Self.clashing + "\n").write(toFile: dir.path + "/ShapedDevices.csv", atomically: true, encoding: .utf8)
        try """
            [[plan]]
            download = 105
            upload = 18
            tier = "residential"
            """.write(toFile: dir.path + "/plans.toml", atomically: true, encoding: .utf8)
        let result = try runProcess(BuiltProducts.tierctl, [
            "import", "libreqos", dir.path + "/ShapedDevices.csv", "--plans", dir.path + "/plans.toml",
            "--output", dir.path + "/users.csv", "--tiers-output", dir.path + "/tiers.toml",
        ])
        #expect(result.status == 65, "output: \(result.output)")
        #expect(result.output.contains("ShapedDevices.csv:7: skipped: 100.64.0.14 is already listed for circuit \"10001\" on line 2"), "output: \(result.output)")
        #expect(result.output.contains("ShapedDevices.csv:8: skipped: 2001:db8:4:1::/64 overlaps 2001:db8:4::/48"), "output: \(result.output)")
        #expect(result.output.contains("5 of 7 rows mapped: 4 users, 4 plans"), "output: \(result.output)")

        let users = try String(contentsOfFile: dir.path + "/users.csv", encoding: .utf8)
        #expect(users.contains("\n2794,100.64.0.5 fdd7:b724:0:500::/56 fdd7:b724:0:600::/56 100.64.0.6\n"), "users: \(users)")
        let tiers = try String(contentsOfFile: dir.path + "/tiers.toml", encoding: .utf8)
        #expect(tiers.contains("name = \"residential\""), "tiers: \(tiers)")
        #expect(tiers.contains("download = \"10500kbit\""), "tiers: \(tiers)")

        let check = try runProcess(BuiltProducts.tierd, ["--config", try writeConfig(in: dir, tiers: tiers), "--check"])
        #expect(check.status == 0, "tierd --check: \(check.output)\nusers:\n\(users)\ntiers:\n\(tiers)")
    }

    @Test func everyRowMappedExitsZero() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.devices.write(toFile: dir.path + "/ShapedDevices.csv", atomically: true, encoding: .utf8)
        let result = try runProcess(BuiltProducts.tierctl, [
            "import", "libreqos", dir.path + "/ShapedDevices.csv", "--output", dir.path + "/users.csv",
        ])
        #expect(result.status == 0, "output: \(result.output)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/users.csv"))
    }

    @Test func unreadableInputExits66AndWritesNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let result = try runProcess(BuiltProducts.tierctl, [
            "import", "libreqos", dir.path + "/missing.csv", "--output", dir.path + "/users.csv",
        ])
        #expect(result.status == 66, "output: \(result.output)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/users.csv"))
    }

    /// A config around the imported files: the proposed tiers appended as they are.
    private func writeConfig(in dir: TemporaryDirectory, tiers: String) throws -> String {
        let path = dir.path + "/tierd.toml"
        try """
            [daemon]
            state_dir = "\(dir.path)/state"
            control_socket = "\(dir.path)/control.sock"

            [network]
            interface = "eth9"
            users_file = "users.csv"

            \(tiers)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
