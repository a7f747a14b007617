/// The shapes of user ids and tier names, shared by the config loaders (which reject
/// others) and the LibreQoS importer (which must only write names tierd accepts).
///
/// WHY so narrow: both appear in metrics labels, the audit log, tierctl tables and file
/// names, so nothing there ever needs quoting.
public enum NameSyntax {
    /// Users-file ids and `scoring.exempt` entries, as operators read the rule in messages.
    public static let userIDRule = "1-64 characters from A-Z a-z 0-9 . _ @ -"
    /// Tier names.
    public static let tierNameRule = "1-32 characters from A-Z a-z 0-9 . _ -"

    /// 1-64 bytes of [A-Za-z0-9._@-].
    public static func isValidUserID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { isAlphanumeric($0) || "._@-".utf8.contains($0) }
    }

    /// 1-32 bytes of [A-Za-z0-9._-].
    public static func isValidTierName(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count) && name.utf8.allSatisfy { isAlphanumeric($0) || "._-".utf8.contains($0) }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
