import NIOCore

extension Duration {
    /// This duration for NIO's scheduler (`ControlServerLimits` are `Duration`s).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
