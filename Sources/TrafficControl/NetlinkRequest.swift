import CNetlink

/// One kernel change waiting to be sent, with the names an error report needs.
///
/// The message is built lazily so a batch of 100k requests does not hold 100k libnl objects.
struct NetlinkRequest {
    var operation: String
    var object: String
    /// Builds the message; returns a negative NLE code on failure.
    var build: () -> (code: Int32, message: OpaquePointer?)
}
