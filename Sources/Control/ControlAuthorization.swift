/// What `ControlAuthorizer` decided for one request.
public enum ControlAuthorization: Sendable, Hashable {
    /// Run the request as asked.
    case allowed
    /// Run it, but show only these users: a non-admin's `status` without a user.
    case restricted(to: Set<String>)
    /// Refuse with this error (code `forbidden`).
    case forbidden(ControlError)

    /// Applies a `restricted` decision to a reply: keeps only the permitted users of a
    /// `users` list. Other replies pass unchanged.
    public func filter(_ reply: ControlReply) -> ControlReply {
        guard case .restricted(let permitted) = self, case .users(let users) = reply else { return reply }
        return .users(users.filter { permitted.contains($0.user) })
    }
}
