/// The `error` object of a failed reply: `{"code":"...","message":"...","details":[...]}`.
///
/// `details` carries one line per problem when there are several (every config error of a
/// refused `reload`, with file:line); it is omitted from the JSON when nil.
public struct ControlError: Error, Sendable, Hashable, Codable {
    public var code: ControlErrorCode
    public var message: String
    public var details: [String]?

    public init(code: ControlErrorCode, message: String, details: [String]? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }
}
