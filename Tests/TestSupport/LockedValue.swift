import Synchronization

/// A value shared between a test and the threads it starts (producers, writers): a class
/// around a `Mutex`, because a `Mutex` itself cannot be captured by an escaping closure.
public final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    public func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }

    public var value: Value { mutex.withLock { $0 } }
}
