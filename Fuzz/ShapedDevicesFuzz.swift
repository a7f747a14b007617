// libFuzzer entry for `tierctl import libreqos`'s untrusted-input path: ShapedDevicesImport
// over any bytes. Built by run.sh together with the LibreQoSImport, ConfigSyntax and
// IPAddressing sources (not part of the Swift package).
//
// Checks, for every input:
// 1. nothing crashes or trips AddressSanitizer;
// 2. every row is accounted for: mapped into exactly one user, or skipped once;
// 3. what is written would load in tierd: valid ids, each once, at least one address each,
//    and no address or prefix of one user equal to, inside or around another user's;
// 4. the users written back as a ShapedDevices.csv import to the same users (ids, addresses,
//    plans), nothing skipped.
import IPAddressing
import LibreQoSImport

@_cdecl("LLVMFuzzerTestOneInput")
public func shapedDevicesFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard case .success(let result) = ShapedDevicesImport.convert(text) else { return 0 }
    let mappedLines = result.users.flatMap(\.lines)
    let skippedLines = result.skipped.map(\.line)
    precondition(Set(mappedLines).count == mappedLines.count, "a row went to two users")
    precondition(Set(skippedLines).count == skippedLines.count, "a row skipped twice")
    precondition(Set(mappedLines).isDisjoint(with: skippedLines), "a row both mapped and skipped")
    precondition(mappedLines.count + skippedLines.count == result.rowCount, "rows lost")
    checkLoadable(result.users)

    let again = ShapedDevicesImport.convert(shapedDevices(result.users))
    guard case .success(let reimported) = again else { preconditionFailure("re-import failed: \(again)") }
    precondition(reimported.skipped.isEmpty, "re-import skipped \(reimported.skipped)")
    precondition(reimported.users.map(\.id) == result.users.map(\.id), "re-import changed the users")
    // (The re-import lists each user's IPv4 addresses before its IPv6 ones.)
    precondition(reimported.users.map { $0.addresses.sorted() } == result.users.map { $0.addresses.sorted() },
                 "re-import changed addresses")
    precondition(reimported.users.map(\.plan) == result.users.map(\.plan), "re-import changed plans")
    return 0
}

private func checkLoadable(_ users: [ImportedUser]) {
    precondition(Set(users.map(\.id)).count == users.count, "duplicate user id")
    var keys: [(user: String, key: PrefixKey)] = []
    for user in users {
        precondition(!user.addresses.isEmpty, "user without addresses")
        precondition(user.id.utf8.count <= 64 && !user.id.contains(",") && !user.id.contains(" "), "bad id")
        for address in user.addresses {
            guard let given = PrefixKey(address) else { preconditionFailure("unkeyable \(address)") }
            keys.append((user.id, given.ipv4Equivalent ?? given))
        }
    }
    for (index, a) in keys.enumerated() {
        for b in keys[(index + 1)...] where a.user != b.user && a.key.isIPv6 == b.key.isIPv6 {
            let (outer, inner) = a.key.length <= b.key.length ? (a.key, b.key) : (b.key, a.key)
            precondition(inner.truncated(to: outer.length) != outer, "\(a.user) and \(b.user) overlap")
        }
    }
}

/// The users as LibreQoS would list them: one device row per user.
private func shapedDevices(_ users: [ImportedUser]) -> String {
    var text = "Circuit ID,Circuit Name,Device ID,Device Name,Parent Node,Parent Node ID,Anchor Node ID,MAC,IPv4,IPv6,Download Min Mbps,Upload Min Mbps,Download Max Mbps,Upload Max Mbps,Comment,sqm\n"
    for user in users {
        let ipv4 = user.addresses.filter { !$0.isIPv6 }.map(\.description).joined(separator: ", ")
        let ipv6 = user.addresses.filter(\.isIPv6).map(\.description).joined(separator: ",")
        text += "\(user.id),,,,,,,,\"\(ipv4)\",\"\(ipv6)\",1,1,\(user.plan.download),\(user.plan.upload),,\n"
    }
    return text
}
