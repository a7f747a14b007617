/// Reads an address binding out of a u32 filter of tierd's earlier layout (u32 hash tables on
/// the root and inner HTBs, one exact-match filter per address, classid = the user's class).
///
/// Only for the upgrade: the first converge of the BPF layout claims each user's existing
/// class through these filters, so upgrading changes the classes in place instead of
/// deleting and re-creating every one of them; the same converge writes the map entries and
/// then deletes the u32 filters. Never written, only read.
enum LegacyU32Binding {
    /// The prefix a u32 selector matches, from its keys (value and mask in network order,
    /// offset from the network header): IPv4 addresses at 12/16, IPv6 at 8/24.
    static func prefix(selector: UnsafeRawBufferPointer, ethertype: UInt16) -> IPPrefix? {
        // struct tc_u32_sel: flags, offshift, nkeys (u8 each), a pad byte, then 12 bytes, then keys.
        guard selector.count >= 16 else { return nil }
        let count = Int(selector[2])
        guard count > 0, selector.count >= 16 + count * 16 else { return nil }
        var keys: [(value: UInt32, mask: UInt32, offset: Int)] = []
        for index in 0..<count {
            let base = 16 + index * 16
            let mask = UInt32(bigEndian: selector.loadUnaligned(fromByteOffset: base, as: UInt32.self))
            let value = UInt32(bigEndian: selector.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self))
            let offset = Int(selector.loadUnaligned(fromByteOffset: base + 8, as: Int32.self))
            keys.append((value, mask, offset))
        }
        return decode(keys, ipv6: ethertype == 0x86DD)
    }

    static func decode(_ keys: [(value: UInt32, mask: UInt32, offset: Int)], ipv6: Bool) -> IPPrefix? {
        guard let first = keys.first else { return nil }
        let wordCount = ipv6 ? 4 : 1
        let bases = ipv6 ? [24, 8] : [16, 12]
        guard let base = bases.first(where: { first.offset >= $0 && first.offset < $0 + wordCount * 4 }) else { return nil }
        var words = [UInt32](repeating: 0, count: wordCount)
        var masks = [UInt32](repeating: 0, count: wordCount)
        for key in keys {
            let relative = key.offset - base
            guard relative >= 0, relative % 4 == 0, relative / 4 < wordCount else { return nil }
            words[relative / 4] = key.value
            masks[relative / 4] = key.mask
        }
        var length = 0
        var seenPartial = false
        for mask in masks {
            let ones = mask.leadingZeroBitCount == 0 ? (~mask).leadingZeroBitCount : 0
            guard mask == (ones == 0 ? 0 : UInt32.max << UInt32(32 - ones)) else { return nil }
            if ones > 0 && seenPartial { return nil }
            if ones < 32 { seenPartial = true }
            length += ones
        }
        let bytes = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - $0 * 8)) } }
        return IPPrefix(bytes: bytes, length: length)
    }
}
