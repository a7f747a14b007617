import CNetlink

/// One kernel change waiting to be sent, with the names an error report needs.
///
/// The message is built lazily so a batch of 100k requests does not hold 100k libnl objects,
/// and the object's description is only rendered when the kernel refuses it.
struct NetlinkRequest {
    var operation: String
    private var describe: () -> String
    /// The same change as a `tc -batch` line, for requests tc can express (the benchmark's
    /// floor is written from tierd's own plans this way, never from a copy of the layout).
    var tcCommand: () -> String?
    /// Builds the message; returns a negative NLE code on failure.
    var build: () -> (code: Int32, message: OpaquePointer?)

    init(operation: String, object: @autoclosure @escaping () -> String, tc: @autoclosure @escaping () -> String? = nil,
         build: @escaping () -> (code: Int32, message: OpaquePointer?)) {
        self.operation = operation
        self.describe = object
        self.tcCommand = tc
        self.build = build
    }

    /// The object this request concerns, e.g. "class 7200:3 (parent 7200:) on ifb-tierd".
    var object: String { describe() }
}
