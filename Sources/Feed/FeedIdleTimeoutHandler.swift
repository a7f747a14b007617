import FeedParsing
import NIOCore

/// Turns NIO's read-idle event into an error on the connection's inbound stream, so the
/// connection task can answer `idle_timeout` before closing (closing here would leave
/// no chance to tell the producer why).
final class FeedIdleTimeoutHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The error delivered to the connection's inbound stream.
    struct IdleTimeout: Error {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.fireErrorCaught(IdleTimeout())
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
