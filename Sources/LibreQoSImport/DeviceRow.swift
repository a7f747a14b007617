import ConfigSyntax
import IPAddressing

/// One ShapedDevices.csv row that passed the checks a row can pass on its own.
struct DeviceRow {
    /// One address or prefix of the row, as written and as the users file will key it.
    struct Address {
        let prefix: IPPrefix
        /// An IPv4-mapped IPv6 prefix is keyed as the IPv4 prefix it stands for, as tierd's
        /// users-file loader does, so the two forms collide here as they would there.
        let key: PrefixKey
    }

    let line: Int
    let circuitID: String
    let circuitName: String
    let addresses: [Address]
    let plan: RatePlan

    /// Reads the row's fields, or says why it cannot be mapped.
    static func read(_ fields: [String], line: Int, columns: ShapedDevicesColumns) -> Result<DeviceRow, SkipReason> {
        guard fields.count >= columns.requiredFieldCount else {
            return .failure(.tooFewFields(found: fields.count, needed: columns.requiredFieldCount))
        }
        let circuitID = trimmed(fields[columns.circuitID])
        guard !circuitID.isEmpty else { return .failure(.missingCircuitID) }
        guard NameSyntax.isValidUserID(circuitID) else { return .failure(.invalidCircuitID(circuitID)) }
        var addresses: [Address] = []
        for (column, isIPv6) in [(columns.ipv4, false), (columns.ipv6, true)] {
            let name = isIPv6 ? "IPv6" : "IPv4"
            for token in fields[column].split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                let text = String(token)
                guard let prefix = IPPrefix(text), let given = PrefixKey(prefix) else {
                    return .failure(.badAddress(text, column: name))
                }
                guard prefix.isIPv6 == isIPv6 else { return .failure(.wrongFamily(text, column: name)) }
                let key = given.ipv4Equivalent ?? given
                guard !key.coversEverything else { return .failure(.coversEverything(text)) }
                addresses.append(Address(prefix: prefix, key: key))
            }
        }
        guard !addresses.isEmpty else { return .failure(.noAddresses) }
        let downloadText = trimmed(fields[columns.downloadMax])
        guard let download = MbpsRate(downloadText) else { return .failure(.badRate(downloadText, column: "Download Max Mbps")) }
        let uploadText = trimmed(fields[columns.uploadMax])
        guard let upload = MbpsRate(uploadText) else { return .failure(.badRate(uploadText, column: "Upload Max Mbps")) }
        let name = columns.circuitName.flatMap { $0 < fields.count ? trimmed(fields[$0]) : nil } ?? ""
        return .success(DeviceRow(
            line: line, circuitID: circuitID, circuitName: name, addresses: addresses,
            plan: RatePlan(download: download, upload: upload)))
    }

    /// Quoted fields keep their spaces in the splitter; LibreQoS trims every field.
    private static func trimmed(_ text: String) -> String {
        CSVFieldSplitter.trimmed(text[...])
    }
}
