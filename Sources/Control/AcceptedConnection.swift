import NIOCore

/// A connection accepted by `ControlServer`, with its peer's kernel credentials.
struct AcceptedConnection: Sendable {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let peer: PeerCredentials
}
