/// The shapes of names and paths the config and users file accept, in one place so the
/// loaders and their messages agree.
enum ConfigNameRules {
    /// Users-file ids and `scoring.exempt` entries: 1-64 of [A-Za-z0-9._@-].
    static let userIDRule = "1-64 characters from A-Z a-z 0-9 . _ @ -"
    /// Tier names: 1-32 of [A-Za-z0-9._-] (they appear in metrics labels and tierctl tables).
    static let tierNameRule = "1-32 characters from A-Z a-z 0-9 . _ -"
    /// Linux interface names (IFNAMSIZ 16 including the NUL).
    static let interfaceNameRule = "1-15 characters, no '/', ':' or whitespace"
    /// `sun_path` holds 108 bytes including the NUL.
    static let maxSocketPathBytes = 107

    static func isValidUserID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { isAlphanumeric($0) || "._@-".utf8.contains($0) }
    }

    static func isValidTierName(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count) && name.utf8.allSatisfy { isAlphanumeric($0) || "._-".utf8.contains($0) }
    }

    static func isValidInterfaceName(_ name: String) -> Bool {
        (1...15).contains(name.utf8.count) && name != "." && name != ".."
            && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ":") }
    }

    /// `ip netns` names are files under /run/netns.
    static func isValidNamespaceName(_ name: String) -> Bool {
        (1...255).contains(name.utf8.count) && name != "." && name != ".."
            && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
