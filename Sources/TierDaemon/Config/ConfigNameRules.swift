import ConfigSyntax

/// The shapes of names and paths the config and users file accept, in one place so the
/// loaders and their messages agree.
enum ConfigNameRules {
    /// Users-file ids and `scoring.exempt` entries, and tier names: `NameSyntax`, shared
    /// with the LibreQoS importer.
    static let userIDRule = NameSyntax.userIDRule
    static let tierNameRule = NameSyntax.tierNameRule
    /// Linux interface names (IFNAMSIZ 16 including the NUL).
    static let interfaceNameRule = "1-15 characters, no '/', ':' or whitespace"
    /// `sun_path` holds 108 bytes including the NUL.
    static let maxSocketPathBytes = 107

    static func isValidUserID(_ id: String) -> Bool {
        NameSyntax.isValidUserID(id)
    }

    static func isValidTierName(_ name: String) -> Bool {
        NameSyntax.isValidTierName(name)
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
}
