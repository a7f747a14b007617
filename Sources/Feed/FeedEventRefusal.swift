import FeedParsing
/// An event that parsed but that the daemon refused when it received it (so far only
/// `future_timestamp`, which needs the daemon's clock): `index` is its position in the
/// batch handed to `FeedSocketServer`'s `onBatch`. The server reports it to the producer
/// like a rejected line, with the line number it came from.
public struct FeedEventRefusal: Sendable, Equatable {
    public var index: Int
    public var reason: FeedRejectionReason

    public init(index: Int, reason: FeedRejectionReason) {
        self.index = index
        self.reason = reason
    }
}
