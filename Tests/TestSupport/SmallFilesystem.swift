import Foundation
import Glibc

/// A tmpfs of a few KiB mounted on a fresh temporary directory, for tests of what happens
/// when the disk is full: `fill()` takes every free byte, `freeUp()` gives them back.
/// `remove()` (also run on deinit) unmounts and removes the directory, so no mount is left
/// behind on any exit path. Needs root.
///
/// The mount is made in the test's own mount namespace. A daemon started afterwards in a
/// network namespace (`ip netns exec`, which copies the mount table) sees the same
/// filesystem, so filling it from the test fills it for the daemon.
public final class SmallFilesystem: @unchecked Sendable {
    public let path: String
    /// The directory made for the mount, when the caller did not name one.
    private let owned: TemporaryDirectory?
    private var mount: TestMount?
    private var fillers = 0

    /// Mounts on `mountPoint` (an existing empty directory the caller removes), or on a new
    /// temporary directory that `remove()` removes.
    public init(size: String = "64k", on mountPoint: String? = nil) throws {
        owned = mountPoint == nil ? try TemporaryDirectory(prefix: "tierdt-fs") : nil
        path = mountPoint ?? owned?.path ?? ""
        do {
            mount = try TestMount(type: "tmpfs", source: "tierdt-small", options: "size=\(size),mode=0755", on: path)
        } catch {
            owned?.remove()
            throw error
        }
    }

    deinit { remove() }

    /// Unmounts (lazily, should something still hold it open) and removes the directory
    /// made for it.
    public func remove() {
        mount?.unmount()
        owned?.remove()
    }

    /// Writes a filler file until the filesystem has no byte left.
    public func fill() {
        fillers += 1
        let fd = open(path + "/.filler-\(fillers)", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        for size in [4096, 512, 1] {
            let chunk = [UInt8](repeating: 0x2e, count: size)
            while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == size {}
        }
    }

    /// Removes every filler file.
    public func freeUp() {
        while fillers > 0 {
            unlink(path + "/.filler-\(fillers)")
            fillers -= 1
        }
    }
}
