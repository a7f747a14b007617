import IPAddressing

/// One LibreQoS circuit as a tierd user: the circuit id, every kept device's addresses.
public struct ImportedUser: Equatable, Sendable {
    public let id: String
    /// LibreQoS's Circuit Name (often the service address), written as a comment.
    public let name: String
    /// In row order, each address once.
    public let addresses: [IPPrefix]
    public let plan: RatePlan
    /// The ShapedDevices.csv lines the user was built from.
    public let lines: [Int]
}
