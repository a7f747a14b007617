/// How an address or prefix is written as a key of the classifier's maps
/// (`bpf/classify.bpf.c`): hosts in hash maps keyed by the bare address, other prefixes in
/// longest-prefix-match tries keyed by `{ u32 prefixlen (host order); address bytes }`.
/// Addresses are in network byte order, as they are in the packet.
enum AddressMapKey {
    /// The map (of one direction's four) that holds `prefix`.
    enum Kind: CaseIterable, Sendable {
        case host4, host6, net4, net6

        /// The map's name without its direction prefix ("down_" / "up_").
        var suffix: String {
            switch self {
            case .host4: "host4"
            case .host6: "host6"
            case .net4: "net4"
            case .net6: "net6"
            }
        }

        var keySize: Int {
            switch self {
            case .host4: 4
            case .host6: 16
            case .net4: 8
            case .net6: 20
            }
        }
    }

    static func kind(of prefix: IPPrefix) -> Kind {
        switch (prefix.isIPv6, prefix.isHost) {
        case (false, true): .host4
        case (true, true): .host6
        case (false, false): .net4
        case (true, false): .net6
        }
    }

    static func key(_ prefix: IPPrefix) -> [UInt8] {
        if prefix.isHost { return prefix.bytes }
        let length = UInt32(prefix.length)
        return withUnsafeBytes(of: length.littleEndian) { Array($0) } + prefix.bytes
    }

    /// The prefix a key of a `kind` map stands for; nil for a key tierd would never write.
    static func prefix(_ key: [UInt8], kind: Kind) -> IPPrefix? {
        guard key.count == kind.keySize else { return nil }
        switch kind {
        case .host4, .host6:
            return IPPrefix(bytes: key, length: key.count * 8)
        case .net4, .net6:
            let length = key[0..<4].reversed().reduce(0) { ($0 << 8) | Int($1) }
            let prefix = IPPrefix(bytes: Array(key[4...]), length: length)
            return prefix?.isHost == false ? prefix : nil
        }
    }
}
