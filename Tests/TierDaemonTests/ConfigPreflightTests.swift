import Testing
@testable import TierDaemon

/// The inputs that made toml++ abort (found by ConfigMutationTests) are now located errors.
struct ConfigPreflightTests {
    @Test(arguments: [
        ("[daemon]\nstate_dir = \"/x\"\n[# comment\n", 3),
        ("[=network]\n", 1),
        ("[[ #tier]]\n", 1),
        ("[\u{FFFD}etwork]\n", 1),
        ("baseline = 1000 \u{00E9}\n", 1),
    ])
    func abortingInputsBecomeLocatedSyntaxErrors(text: String, line: Int) {
        do {
            _ = try ConfigLoader.parse(text: text, path: "/etc/tierd/tierd.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors.first?.line == line)
            #expect(error.errors.first?.message.hasPrefix("syntax error:") == true, "\(error)")
        }
    }

    @Test func nonASCIIInsideStringsAndCommentsAndNestedArraysIsFine() {
        let text = """
            # Grüße: comments may hold any UTF-8
            [scoring]
            default_tier = "plein débit"
            exempt = [
              "a", 'b', \"\"\"c
            ü\"\"\",
            ]
            """
        #expect(TOMLSourceIndex(text: text).problem == nil)
    }
}
