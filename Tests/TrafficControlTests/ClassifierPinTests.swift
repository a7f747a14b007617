import TestSupport
import Testing
@testable import TrafficControl

extension KernelTests {
    /// The classifier's bpffs pins: what a restart under the systemd unit (CAP_NET_ADMIN and
    /// CAP_BPF, no CAP_SYS_ADMIN, so no opening by id) adopts the programs and maps from.
    @Suite("Classifier pins")
    struct ClassifierPinTests {
        /// The ids of the programs attached on the interface's hooks, by filter name.
        private func hookProgramIDs(_ shaper: Shaper) throws -> [String: UInt32] {
            var ids: [String: UInt32] = [:]
            for hook in try shaper.readState().hooks where hook.isTierd { ids[hook.programName ?? ""] = hook.programID }
            return ids
        }

        /// The pin directories (`<netns cookie>-<ifindex>`); a fresh bpffs also shows the
        /// kernel's own maps.debug and progs.debug.
        private func pinDirectories(_ bpffs: PrivateBPFFilesystem) -> [String] {
            bpffs.list().filter { $0.contains("-") }
        }

        @Test("a restart adopts the pinned programs and maps and changes nothing; teardown unpins")
        func restartAdoptsFromPins() throws {
            let bpffs = try PrivateBPFFilesystem()
            let network = try TestNetwork.make()
            defer { network.destroy() }
            let configuration = ShaperConfiguration(interface: network.serverInterface, ifb: "ifb-tierd", namespace: network.serverNS,
                                                    pinDirectory: bpffs.path)
            let users = makeUsers(0..<20) { i in (tiers[i % 3], tiers[(i + 1) % 3]) }
            let first = try Shaper(configuration)
            #expect(try first.converge(to: users).errors == [])
            #expect(first.classifierOrigin == .loaded && first.pinErrors.isEmpty)

            // One directory for this namespace and interface, holding every program and map.
            let directories = pinDirectories(bpffs)
            try #require(directories.count == 1, "\(directories)")
            let expected = (Classifier.Program.allCases.map(\.rawValue) + Classifier.mapNames).sorted()
            #expect(bpffs.list(directories[0]) == expected)
            let before = try hookProgramIDs(first)
            let pins = BPFPinDirectory(path: "\(bpffs.path)/\(directories[0])")
            #expect(pins.open(Classifier.Program.down.rawValue).flatMap { BPFPinDirectory.objectID($0.fd) } == before["tierd_down:\(Classifier.version)"])

            let restarted = try Shaper(configuration)
            let report = try restarted.converge(to: users)
            #expect(restarted.classifierOrigin == .pins)
            #expect(report.totalChanges == 0 && report.errors.isEmpty, "\(report)")
            #expect(try hookProgramIDs(restarted) == before)
            _ = try expectExact(restarted, users)

            // Without pins, the same restart must open the objects by id (root can).
            pins.remove()
            let byID = try Shaper(configuration)
            try byID.prepare()
            #expect(byID.classifierOrigin == .ids)
            #expect(bpffs.list(directories[0]) == expected, "prepare pins again what it adopted")

            try byID.teardown()
            #expect(pinDirectories(bpffs) == [], "teardown removes the pins")
        }

        @Test("a pin holding another object is not adopted, and is replaced")
        func stalePinIsReplaced() throws {
            let bpffs = try PrivateBPFFilesystem()
            let fixture = try KernelFixture()
            var configuration = fixture.shaper.configuration
            configuration.pinDirectory = bpffs.path
            let first = try Shaper(configuration)
            try first.prepare()
            let directory = try #require(pinDirectories(bpffs).first)
            let pins = BPFPinDirectory(path: "\(bpffs.path)/\(directory)")
            // A stray classifier's programs and maps in the pins' place.
            let stray = try Classifier.load()
            #expect(stray.pin(in: pins).isEmpty)

            let restarted = try Shaper(configuration)
            try restarted.prepare()
            #expect(restarted.classifierOrigin == .ids)
            let attached = try #require(try hookProgramIDs(restarted)["tierd_down:\(Classifier.version)"])
            #expect(pins.open(Classifier.Program.down.rawValue).flatMap { BPFPinDirectory.objectID($0.fd) } == attached)
            try restarted.teardown()
        }
    }
}
