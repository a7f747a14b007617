/// Formatting and splitting of 32-bit tc handles ("major:minor", both hex).
///
/// The TC_H_* macros are function-like and not imported into Swift; these are their equivalents.
public enum TCHandle {
    public static func make(_ major: UInt32, _ minor: UInt32) -> UInt32 { (major << 16) | (minor & 0xFFFF) }
    public static func major(_ handle: UInt32) -> UInt32 { handle >> 16 }
    public static func minor(_ handle: UInt32) -> UInt32 { handle & 0xFFFF }
    /// The parent value of a root qdisc (TC_H_ROOT).
    public static let root: UInt32 = 0xFFFF_FFFF
    /// The parent value of an ingress qdisc (TC_H_INGRESS).
    public static let ingressParent: UInt32 = 0xFFFF_FFF1
    /// The handle of the ingress qdisc ("ffff:").
    public static let ingress: UInt32 = 0xFFFF_0000

    /// tc's notation: "7164:", "7200:3", "root".
    public static func text(_ handle: UInt32) -> String {
        if handle == root { return "root" }
        if handle == ingressParent { return "ingress" }
        let minorPart = minor(handle) == 0 ? "" : String(minor(handle), radix: 16)
        return "\(String(major(handle), radix: 16)):\(minorPart)"
    }

    /// u32 filter handle notation "ht:bucket:node".
    public static func u32Text(_ handle: UInt32) -> String {
        "\(String(handle >> 20, radix: 16)):\(String((handle >> 12) & 0xFF, radix: 16)):\(String(handle & 0xFFF, radix: 16))"
    }
}
