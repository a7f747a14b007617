/// A circuit's plan: its Download Max and Upload Max, the pair a tier is proposed for.
/// (LibreQoS's minimums are guarantees under contention; tierd has no such notion, so
/// they are read for nothing.)
public struct RatePlan: Hashable, Sendable, CustomStringConvertible {
    public let download: MbpsRate
    public let upload: MbpsRate

    public init(download: MbpsRate, upload: MbpsRate) {
        self.download = download
        self.upload = upload
    }

    /// Fastest first: by download, then by upload.
    public static func fasterFirst(_ lhs: RatePlan, _ rhs: RatePlan) -> Bool {
        (lhs.download, lhs.upload) > (rhs.download, rhs.upload)
    }

    /// "105/18 Mbps".
    public var description: String { "\(download)/\(upload) Mbps" }
}
