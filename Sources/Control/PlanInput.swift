/// The files a `plan` request asks about, by content:
/// `{"config":{"path":"/home/op/new.toml","text":"..."},"users":{"path":"...","text":"..."}}`.
///
/// `path` is where the client read the file: it names the file in error messages and is the
/// base for the config's relative paths; the daemon never opens it. Without `users`, the
/// daemon reads the users file the candidate config names, as a reload would.
public struct PlanInput: Sendable, Hashable, Codable {
    /// Largest file a plan may carry (each), so one request stays bounded; a users file for
    /// 50k users is about 2 MiB. The admin request limit (`ControlServerLimits`) leaves room
    /// for two such files after JSON escaping.
    public static let maximumFileBytes = 4 << 20

    public struct File: Sendable, Hashable, Codable {
        public var path: String
        public var text: String

        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    public var config: File
    public var users: File?

    public init(config: File, users: File? = nil) {
        self.config = config
        self.users = users
    }

    /// - Throws: `bad_request` for an empty path or a file over `maximumFileBytes`.
    public func validate() throws(ControlError) {
        for (name, file) in [("config", Optional(config)), ("users", users)] {
            guard let file else { continue }
            if file.path.isEmpty { throw ControlError(code: .badRequest, message: "plan: empty \(name) path") }
            if file.text.utf8.count > Self.maximumFileBytes {
                throw ControlError(code: .badRequest, message: "plan: \(name) file \(file.path) is larger than \(Self.maximumFileBytes >> 20) MiB")
            }
        }
    }
}
