/// Formatting and splitting of 32-bit tc handles ("major:minor", both hex).
///
/// The TC_H_* macros are function-like and not imported into Swift; these are their equivalents.
public enum TCHandle {
    public static func make(_ major: UInt32, _ minor: UInt32) -> UInt32 { (major << 16) | (minor & 0xFFFF) }
    public static func major(_ handle: UInt32) -> UInt32 { handle >> 16 }
    public static func minor(_ handle: UInt32) -> UInt32 { handle & 0xFFFF }
    /// The parent value of a root qdisc (TC_H_ROOT).
    public static let root: UInt32 = 0xFFFF_FFFF
    /// The parent value of the ingress-side qdisc, classic `ingress` or `clsact` (TC_H_INGRESS = TC_H_CLSACT).
    public static let clsactParent: UInt32 = 0xFFFF_FFF1
    /// The handle of the ingress-side qdisc ("ffff:").
    public static let clsactHandle: UInt32 = 0xFFFF_0000
    /// clsact's ingress hook, as the parent of its filters (TC_H_MIN_INGRESS).
    public static let clsactIngress: UInt32 = 0xFFFF_FFF2
    /// clsact's egress hook, as the parent of its filters (TC_H_MIN_EGRESS).
    public static let clsactEgress: UInt32 = 0xFFFF_FFF3

    /// tc's notation: "7164:", "7200:3", "root", "ingress", "egress".
    public static func text(_ handle: UInt32) -> String {
        switch handle {
        case root: return "root"
        case clsactParent: return "clsact"
        case clsactIngress: return "ingress"
        case clsactEgress: return "egress"
        default:
            let minorPart = minor(handle) == 0 ? "" : String(minor(handle), radix: 16)
            return "\(String(major(handle), radix: 16)):\(minorPart)"
        }
    }
}
