import TestSupport
import Testing
@testable import TrafficControl

/// A test namespace pair with a prepared shaper on the server side.
final class KernelFixture {
    let network: TestNetwork
    let shaper: Shaper
    let ifbName: String

    /// `spares`: the shaper's ready classes per direction (`ShaperConfiguration.spareClasses`).
    init(users: Int = 0, spares: Int = 0) throws {
        network = try TestNetwork.make(users: users)
        do {
            ifbName = "ifb-t\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
            shaper = try Shaper(ShaperConfiguration(interface: network.serverInterface, ifb: ifbName,
                                                    namespace: network.serverNS, takeover: false, spareClasses: spares))
            try shaper.prepare()
        } catch {
            network.destroy()
            throw error
        }
    }

    deinit { network.destroy() }

    /// `tc` output inside the server namespace, for failure messages.
    func tc(_ args: [String]) -> String {
        (try? network.run(network.serverNS, ["tc"] + args)) ?? "<tc failed>"
    }
}

/// Skips kernel tests cleanly when not root.
let rootOnly = ConditionTrait.enabled(if: isRoot(), "kernel tests need root (namespaces, qdiscs)")

/// Parent of every suite that touches the kernel: they run one at a time, because class
/// creation cost is machine-wide (docs/design.md, "Ready classes") and shaping accuracy suffers from CPU
/// contention, so parallel kernel suites would make each other slow and flaky.
@Suite("Kernel", .serialized, rootOnly)
struct KernelTests {}
