/// A short, client-facing description of why a request line did not decode, instead of
/// Swift's verbose `DecodingError` dump.
struct RequestDecodingProblem: CustomStringConvertible {
    let description: String

    init(_ error: any Error) {
        guard let error = error as? DecodingError else {
            description = "invalid JSON"
            return
        }
        switch error {
        case .keyNotFound(let key, _):
            description = "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            description = "wrong type for \"\(Self.path(context))\""
        case .dataCorrupted(let context):
            description = context.codingPath.isEmpty ? "invalid JSON" : "invalid value for \"\(Self.path(context))\""
        @unknown default:
            description = "invalid request"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
