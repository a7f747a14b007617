import Testing
@testable import TierDaemon

/// A reload refuses the settings that name the kernel objects or sockets tierd owns, or that
/// the shaper was built with.
@Suite struct RestartOnlySettingsTests {
    @Test func changedIdentitiesAreNamedAndOthersAreNot() throws {
        let old = try ConfigFixture.load(ConfigFixture.minimal)
        var new = old
        #expect(old.restartOnlyChanges(to: new) == [])
        new.network.floor = 1_000_000
        #expect(old.restartOnlyChanges(to: new) == [], "tiers and the floor reload live")
        new.network.spareClasses = 0
        new.network.ifb = "ifb-other"
        #expect(old.restartOnlyChanges(to: new) == ["network.ifb", "network.spare_classes"])
    }
}
