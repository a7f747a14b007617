import CNetlink

/// A failed kernel operation, tied to the object it concerned.
///
/// Pipelined requests fail asynchronously; keeping the operation, the object and the kernel's
/// reason together is what lets an operator (and the next converge) act on a single failure
/// among thousands of requests.
public struct TrafficControlError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was attempted ("create class", "dump filters", "open namespace").
    public var operation: String
    /// What it was attempted on ("class 7200:3 on ifb-tierd").
    public var object: String
    /// The kernel's (or libnl's) explanation.
    public var reason: String
    /// The kernel errno (positive) when known, else 0.
    public var errno: Int32
    /// The libnl NLE_* code (positive) when the error came through libnl, else 0.
    public var nleCode: Int32

    public init(operation: String, object: String, reason: String, errno: Int32 = 0, nleCode: Int32 = 0) {
        self.operation = operation
        self.object = object
        self.reason = reason
        self.errno = errno
        self.nleCode = nleCode
    }

    /// An error from a libnl call returning a negative NLE_* code.
    static func libnl(_ operation: String, _ object: String, code: Int32) -> TrafficControlError {
        let nle = code < 0 ? -code : code
        let text = String(cString: nl_geterror(Int32(nle)))
        return TrafficControlError(operation: operation, object: object, reason: text, nleCode: nle)
    }

    public var description: String {
        var codes: [String] = []
        if errno != 0 { codes.append("errno \(errno)") }
        if nleCode != 0 { codes.append("NLE \(nleCode)") }
        let suffix = codes.isEmpty ? "" : " (\(codes.joined(separator: ", ")))"
        return "\(operation) \(object): \(reason)\(suffix)"
    }
}
