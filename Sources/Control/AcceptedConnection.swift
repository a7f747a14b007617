import NIOCore

/// What the accept path hands to `ControlServer`'s serving loop for each connection.
enum AcceptedConnection: Sendable {
    /// Within its limits: serve it, as `peer`.
    case admitted(NIOAsyncChannel<ByteBuffer, ByteBuffer>, peer: PeerCredentials)
    /// Over a limit: it has its `busy` reply and closes by itself; nothing to serve.
    case refused
}
