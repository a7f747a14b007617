import Glibc

/// An owned file descriptor of a BPF program or map, closed when the last reference goes.
///
/// A program or map lives in the kernel while something holds it: an attached filter, another
/// program that uses the map, or a descriptor. The shaper keeps descriptors of everything it
/// attached, so that it can re-attach a program someone detached (drift repair) without
/// loading it again, and so that the maps outlive a moment with no filter attached.
final class BPFDescriptor: @unchecked Sendable {
    let fd: Int32

    init(_ fd: Int32) { self.fd = fd }

    deinit { close(fd) }
}
