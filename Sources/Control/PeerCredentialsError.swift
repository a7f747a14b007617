#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The kernel would not say who the peer of a control connection is (not a connected Unix
/// socket, or the peer is gone); the connection is refused.
public struct PeerCredentialsError: Error, Hashable, CustomStringConvertible {
    /// The socket option that failed: `SO_PEERCRED` or `SO_PEERGROUPS`.
    public var option: String
    public var errno: Int32

    public var description: String { "cannot read \(option): \(String(cString: strerror(errno)))" }
}
