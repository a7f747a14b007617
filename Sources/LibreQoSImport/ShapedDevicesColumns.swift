/// Where the columns the import reads sit in a ShapedDevices.csv, found from its header.
///
/// WHY by name: LibreQoS's own loader is header-aware. Files in the field have the legacy
/// 13 columns (`Circuit ID,Circuit Name,Device ID,Device Name,Parent Node,MAC,IPv4,IPv6,
/// Download Min Mbps,Upload Min Mbps,Download Max Mbps,Upload Max Mbps,Comment`), or the
/// current 15 (with `Parent Node ID` and `Anchor Node ID` after `Parent Node`), and either
/// may end with an optional `sqm` column. Names compare by their letters and digits only,
/// case-insensitively, as LibreQoS does ("Download Max Mbps" = "download_max_mbps").
public struct ShapedDevicesColumns: Equatable, Sendable {
    public let circuitID: Int
    public let circuitName: Int?
    public let ipv4: Int
    public let ipv6: Int
    public let downloadMax: Int
    public let uploadMax: Int

    /// The header's names for the required columns, for messages.
    public static let requiredNames = ["Circuit ID", "IPv4", "IPv6", "Download Max Mbps", "Upload Max Mbps"]

    /// Fields a row needs to reach every required column.
    public var requiredFieldCount: Int { [circuitID, ipv4, ipv6, downloadMax, uploadMax].max()! + 1 }

    /// The layout, or the names of the required columns the header lacks.
    public static func find(in header: [String]) -> Result<ShapedDevicesColumns, MissingColumns> {
        var positions: [String: Int] = [:]
        for (index, name) in header.enumerated() where positions[normalized(name)] == nil {
            positions[normalized(name)] = index
        }
        let lookup = { (names: [String]) in names.lazy.compactMap { positions[$0] }.first }
        let required = [
            lookup(["circuitid"]), lookup(["ipv4"]), lookup(["ipv6"]),
            lookup(["downloadmaxmbps", "downloadmax"]), lookup(["uploadmaxmbps", "uploadmax"]),
        ]
        let missing = zip(requiredNames, required).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty, let circuitID = required[0], let ipv4 = required[1], let ipv6 = required[2],
              let downloadMax = required[3], let uploadMax = required[4] else {
            return .failure(MissingColumns(names: missing))
        }
        return .success(ShapedDevicesColumns(
            circuitID: circuitID, circuitName: lookup(["circuitname"]), ipv4: ipv4, ipv6: ipv6,
            downloadMax: downloadMax, uploadMax: uploadMax))
    }

    private static func normalized(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })).lowercased()
    }
}

/// A header without some of the columns the import needs: nothing can be read.
public struct MissingColumns: Error, Equatable, Sendable {
    public let names: [String]
}
