import LibreQoSImport
import Testing
@testable import tierctl

/// `tierctl import libreqos --plans`: the operator's tier names for LibreQoS plans.
@Suite struct PlansFileTests {
    @Test func namesPlansByTheirMbps() throws {
        let names = try PlansFile.parse("""
            [[plan]]
            download = 105
            upload = 18
            tier = "residential"

            [[plan]]
            download = 10.5
            upload = 5.25
            tier = "small"
            """).get()
        #expect(names[RatePlan(download: MbpsRate("105")!, upload: MbpsRate("18")!)] == "residential")
        #expect(names[RatePlan(download: MbpsRate("10.5")!, upload: MbpsRate("5.25")!)] == "small")
    }

    @Test func reportsEveryProblem() {
        guard case .failure(let failure) = PlansFile.parse("""
            extra = 1

            [[plan]]
            download = 0
            upload = 18
            tier = "has space"

            [[plan]]
            download = 25
            upload = 5
            tier = "basic"
            colour = "red"

            [[plan]]
            download = 25
            upload = 5
            tier = "basic"
            """) else {
            Issue.record("a bad plans file parsed"); return
        }
        #expect(failure.problems == [
            "unknown key \"extra\" (expected [[plan]] tables)",
            "plan 1: download must be a rate in Mbps above 0",
            "plan 1: tier name \"has space\" is not 1-32 characters from A-Z a-z 0-9 . _ -",
            "plan 2: unknown key \"colour\" (expected download, upload, tier)",
            "plan 3: plan 25/5 Mbps is named twice",
            "plan 3: tier \"basic\" names two plans",
        ])
    }

    @Test func parsesTheImportCommandLine() throws {
        let command = try Tierctl.parseAsRoot([
            "import", "libreqos", "ShapedDevices.csv", "--plans", "plans.toml", "--output", "users.csv", "--tiers-output", "tiers.toml",
        ])
        let parsed = try #require(command as? LibreQoSImportCommand)
        #expect(parsed.input == "ShapedDevices.csv")
        #expect(parsed.plans == "plans.toml")
        #expect(parsed.output == "users.csv")
        #expect(parsed.tiersOutput == "tiers.toml")
    }
}
