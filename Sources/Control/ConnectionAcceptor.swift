#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

import NIOCore

/// `ControlServer`'s child-channel initializer: identifies the peer, admits or refuses the
/// connection, and builds the pipeline for what it decided. Runs on the connection's event
/// loop before the connection is registered, so a refusal costs two getsockopt calls, one
/// write and a close, and never a task.
struct ConnectionAcceptor: Sendable {
    let limits: ControlServerLimits
    let counters: ControlServerCounters
    let admission: ConnectionAdmission
    let isAdmin: @Sendable (PeerCredentials) -> Bool

    func initialize(_ channel: any Channel) -> EventLoopFuture<AcceptedConnection> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            let decision = admit(identify(channel))
            switch decision {
            case .failure(let refusal):
                counters.count(refusal)
                try pipeline.addHandler(ConnectionRefuser(line: ControlServer.encode(refusal.reply)))
                return .refused
            case .success(let (ticket, peer, admin)):
                counters.count { $0.connections += 1 }
                channel.closeFuture.whenComplete { [admission] _ in admission.release(ticket) }
                let maximumLine = admin ? limits.maximumAdminRequestBytes : limits.maximumRequestBytes
                try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLine)))
                try pipeline.addHandler(RequestDeadlineHandler(
                    firstRequest: limits.requestTimeout.timeAmount, idle: limits.idleTimeout.timeAmount, counters: counters))
                return .admitted(try NIOAsyncChannel(wrappingChannelSynchronously: channel), peer: peer)
            }
        }.flatMapErrorThrowing { error in
            // NIO drops a child whose initializer failed without closing it.
            channel.close(promise: nil)
            throw error
        }
    }

    /// The peer's kernel credentials, read from the accepted socket.
    private func identify(_ channel: any Channel) -> Result<PeerCredentials, PeerCredentialsError> {
        do {
            let peer = try channel.pipeline.syncOperations.withUnsafeTransportIfAvailable(of: NIOBSDSocket.Handle.self) {
                try PeerCredentials(socket: $0)
            }
            guard let peer else { return .failure(PeerCredentialsError(option: "SO_PEERCRED", errno: ENOTSOCK)) }
            return .success(peer)
        } catch let error as PeerCredentialsError {
            return .failure(error)
        } catch {
            return .failure(PeerCredentialsError(option: "SO_PEERCRED", errno: EBADF))
        }
    }

    private func admit(
        _ identified: Result<PeerCredentials, PeerCredentialsError>
    ) -> Result<(ConnectionAdmission.Ticket, PeerCredentials, admin: Bool), ConnectionRefusal> {
        switch identified {
        case .failure(let error):
            return .failure(.unidentified(error))
        case .success(let peer):
            let admin = isAdmin(peer)
            return admission.admit(uid: peer.uid, isAdmin: admin).map { ($0, peer, admin) }
        }
    }
}
