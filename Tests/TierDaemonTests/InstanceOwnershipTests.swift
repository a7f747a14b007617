import Foundation
import Testing
@testable import TierDaemon

/// One owner per state directory and per device, in-process: flock conflicts between two
/// open file descriptions of the same file, and a bound abstract name refuses a second bind,
/// even within one process, so both refusals (and the PID they name) can be checked here.
/// The cross-process behaviour is in `SingleOwnerEndToEndTests`.
struct InstanceOwnershipTests {
    private func withStateDirectory(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/tierdt-owner-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    private func configuration(stateDir: String, interface: String, ifb: String) -> DaemonConfiguration {
        DaemonConfiguration(
            daemon: DaemonSection(stateDir: stateDir), feed: FeedSection(), scoring: ScoringSection(defaultTier: "full"),
            network: NetworkSection(interface: interface, ifb: ifb, usersFile: "/dev/null"), tiers: [], sourcePath: "test.toml")
    }

    /// A unique device name per test run: abstract names are shared by every process in the
    /// network namespace, so a fixed one could meet a parallel run.
    private func uniqueDevice() -> String { "tdt\(UInt32.random(in: 0...UInt32.max))" }

    @Test func secondLockOfTheSameStateDirectoryNamesTheOwner() throws {
        try withStateDirectory { directory in
            let first = try StateDirectoryLock.acquire(directory: directory + "/state")
            #expect(try String(contentsOfFile: first.path, encoding: .utf8) == "\(getpid())\n")
            #expect(throws: OwnershipError.self) { _ = try StateDirectoryLock.acquire(directory: directory + "/state") }
            do throws(OwnershipError) {
                _ = try StateDirectoryLock.acquire(directory: directory + "/state")
            } catch {
                guard case .heldByAnother(let what, let pid) = error else { Issue.record("unexpected \(error)"); return }
                #expect(pid == getpid())
                #expect(what.contains("tierd.lock"))
                #expect("\(error)".contains("pid \(getpid())"))
            }
            withExtendedLifetime(first) {}
        }
    }

    @Test func aReleasedLockIsTakenAgainAndTheFileKept() throws {
        try withStateDirectory { directory in
            var first: StateDirectoryLock? = try StateDirectoryLock.acquire(directory: directory)
            let path = first!.path
            first = nil
            #expect(FileManager.default.fileExists(atPath: path))
            let second = try StateDirectoryLock.acquire(directory: directory)
            #expect(second.path == path)
        }
    }

    @Test func secondClaimOfTheSameDeviceNamesTheOwner() throws {
        let device = uniqueDevice()
        let first = try DeviceClaim.acquire(devices: [device], namespace: nil)
        #expect(first.count == 1)
        do throws(OwnershipError) {
            _ = try DeviceClaim.acquire(devices: [device], namespace: nil)
            Issue.record("second claim of \(device) succeeded")
        } catch {
            guard case .heldByAnother(let what, let pid) = error else { Issue.record("unexpected \(error)"); return }
            #expect(pid == getpid())
            #expect(what.contains("device \(device)"))
        }
        // Probes are accepted and closed by the owner: many refusals never fill its backlog.
        for _ in 0..<40 {
            #expect(throws: OwnershipError.self) { _ = try DeviceClaim.acquire(devices: [device], namespace: nil) }
        }
        withExtendedLifetime(first) {}
        // Released with the claim: the device can be claimed again.
        let again = try DeviceClaim.acquire(devices: [uniqueDevice()], namespace: nil)
        #expect(again.count == 1)
    }

    @Test func releasedDeviceClaimCanBeTakenAgain() throws {
        let device = uniqueDevice()
        var first: [DeviceClaim]? = try DeviceClaim.acquire(devices: [device], namespace: nil)
        #expect(first?.count == 1)
        first = nil
        #expect(try DeviceClaim.acquire(devices: [device], namespace: nil).count == 1)
    }

    /// Another config (another state directory) on the same device is refused, and what the
    /// refused instance took before the refusal (its own state directory lock) is released.
    @Test func otherStateDirectorySameDeviceIsRefused() throws {
        try withStateDirectory { directory in
            let device = uniqueDevice(), ifb = uniqueDevice()
            let first = try InstanceOwnership.acquire(configuration(stateDir: directory + "/a", interface: device, ifb: ifb))
            #expect(throws: OwnershipError.self) {
                _ = try InstanceOwnership.acquire(configuration(stateDir: directory + "/b", interface: device, ifb: uniqueDevice()))
            }
            // The refused instance's lock on b is gone with it.
            _ = try StateDirectoryLock.acquire(directory: directory + "/b")
            // The IFB is claimed too: a third config on another interface but the same IFB is refused.
            #expect(throws: OwnershipError.self) {
                _ = try InstanceOwnership.acquire(configuration(stateDir: directory + "/c", interface: uniqueDevice(), ifb: ifb))
            }
            withExtendedLifetime(first) {}
        }
    }
}
