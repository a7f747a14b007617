import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Closes a connection whose client does not deliver a complete request line in time:
/// within `firstRequest` of opening (short: a real client writes at once, a slowloris does
/// not), then within `idle` of each reply.
///
/// Unlike `IdleStateHandler`, the clock stops while a request is being handled, so a slow
/// handler (a reload) never gets its own client dropped; and it sits behind the line
/// decoder, so a client trickling bytes without a newline is still dropped. Only the
/// client's delay counts: a deadline that passes while its bytes wait unread in the socket
/// (the server was behind) is extended.
final class RequestDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let firstRequest: TimeAmount
    private let idle: TimeAmount
    private let counters: ControlServerCounters
    private var deadline: Scheduled<Void>?
    private var pendingRequests = 0
    private var answered = false

    init(firstRequest: TimeAmount, idle: TimeAmount, counters: ControlServerCounters) {
        self.firstRequest = firstRequest
        self.idle = idle
        self.counters = counters
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pendingRequests += 1
        deadline?.cancel()
        deadline = nil
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        pendingRequests = max(0, pendingRequests - 1)
        answered = true
        if pendingRequests == 0 { arm(context) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: answered ? idle : firstRequest) { [self] in
            expire(context)
        }
    }

    /// Bytes still waiting in the socket mean the server fell behind (a busy event loop has
    /// not read them yet), not that the client is slow: give it another period. Otherwise
    /// the client missed its deadline.
    private func expire(_ context: ChannelHandlerContext) {
        if Self.unreadBytes(context) > 0 {
            context.read()
            arm(context)
            return
        }
        counters.count { $0.idleDisconnects += 1 }
        context.close(promise: nil)
    }

    /// Bytes received by the kernel and not yet read (FIONREAD); 0 when unknown.
    private static func unreadBytes(_ context: ChannelHandlerContext) -> Int32 {
        let pending = try? context.pipeline.syncOperations.withUnsafeTransportIfAvailable(of: NIOBSDSocket.Handle.self) {
            descriptor in
            var count: Int32 = 0
            return withUnsafeMutablePointer(to: &count) { ioctl(descriptor, UInt(FIONREAD), $0) } == 0 ? count : 0
        }
        return pending ?? 0
    }
}
