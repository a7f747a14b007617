import TrafficControl
import ConfigSyntax

/// Loads and validates the users file (CSV with header `id,addresses,unix_user`, and an
/// optional fourth column `interface` on a gateway with several access sides).
///
/// Throws `ConfigErrors` (typed throws) with EVERY problem, each `file:line: message`:
/// bad header, bad id, bad field count or quoting, empty or invalid addresses, duplicate
/// ids, an address listed twice, an address or prefix claimed by two users, prefixes of
/// different users that overlap, and `0.0.0.0/0` or `::/0` (one user would own every
/// address). An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) counts as the IPv4 address
/// it stands for in all of these. Blank lines and lines starting with `#` are skipped.
///
/// WHY overlaps between users are errors, not "the longer prefix wins": the classifier
/// does not do longest-prefix match. Only throttled users have filters, so traffic of an
/// unthrottled user inside another user's prefix is shaped as that other user's; and
/// filters of different lengths sit in u32 tables walked in a fixed order (hosts, then
/// the /24../31 or /64../127 tables, ...), not by length.
///
/// An unknown `unix_user` or a mapped address is not an error: see `warnings(for:path:)`.
///
/// `interface` names the configured interface the user is behind; absent or empty means the
/// first (on a one-interface gateway, the only one), so older files keep their meaning. A
/// name that is not a configured interface is an error at its line. Addresses stay unique
/// across interfaces: the status, explain and feed name a user by id, and one address shaped
/// on two access sides would be two subscribers sharing one identity.
public enum UsersFileLoader {
    public static let header = ["id", "addresses", "unix_user", "interface"]

    /// `interfaces`: the configured interfaces' names, which the `interface` column may name
    /// (nil: any name is accepted, for a check whose config could not be read).
    public static func load(path: String, interfaces: [String]? = nil) throws(ConfigErrors) -> [UserRecord] {
        switch TextFileReader.read(path: path) {
        case .success(let text): return try parse(text: text, path: path, interfaces: interfaces)
        case .failure(let error): throw ConfigErrors([error])
        }
    }

    public static func parse(text: String, path: String, interfaces: [String]? = nil) throws(ConfigErrors) -> [UserRecord] {
        try parse(text: text, path: path, interfaces: interfaces, resolveUID: UnixAccountResolver.uid(forUser:))
    }

    /// `resolveUID` maps a `unix_user` to its uid (injected so tests need no accounts).
    public static func parse(
        text: String, path: String, interfaces: [String]? = nil, resolveUID: (String) -> UInt32?
    ) throws(ConfigErrors) -> [UserRecord] {
        let diagnostics = ConfigDiagnostics(file: path)
        var parser = RowParser(diagnostics: diagnostics, interfaces: interfaces)
        var sawHeader = false
        for (number, line) in CSVLines.content(of: text) {
            if !sawHeader {
                sawHeader = true
                guard parser.readHeader(line, line: number) else { break }
            } else {
                parser.readRow(line, line: number)
            }
        }
        if !sawHeader {
            diagnostics.add(line: 0, "missing header line: expected \"id,addresses,unix_user,interface\" (the last two optional)")
        }
        parser.reportOverlaps()
        let errors = diagnostics.sortedErrors
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return parser.records.map { record in
            var record = record
            record.uid = record.unixUser.flatMap(resolveUID)
            return record
        }
    }

    /// One warning per `unix_user` naming no local account and per IPv4-mapped address,
    /// in `file:line: warning:` form.
    public static func warnings(for records: [UserRecord], path: String) -> [String] {
        var warnings: [String] = []
        for record in records {
            if record.hasUnknownAccount {
                warnings.append("\(path):\(record.line): warning: unix_user \"\(record.unixUser ?? "")\" of user \"\(record.id)\" is not a local account; it cannot read its status until it exists")
            }
            for address in record.addresses {
                guard let key = PrefixKey(address), let ipv4 = key.ipv4Equivalent else { continue }
                warnings.append("\(path):\(record.line): warning: \(address) of user \"\(record.id)\" is an IPv4-mapped address; IPv6 packets do not carry those, so it shapes nothing: list \(ipv4.text) instead")
            }
        }
        return warnings
    }

    /// The row-by-row state: ids seen, addresses claimed, records built.
    private struct RowParser {
        struct Claim {
            let user: String
            let text: String
            let line: Int
            let key: PrefixKey
        }

        let diagnostics: ConfigDiagnostics
        let interfaces: [String]?
        var columns = 0
        var records: [UserRecord] = []
        var lineByID: [String: Int] = [:]
        var claims: [PrefixKey: Claim] = [:]
        var claimOrder: [Claim] = []

        init(diagnostics: ConfigDiagnostics, interfaces: [String]?) {
            self.diagnostics = diagnostics
            self.interfaces = interfaces
        }

        mutating func readHeader(_ text: Substring, line: Int) -> Bool {
            let fields = (try? CSVFieldSplitter.split(text).get()) ?? []
            guard fields.count >= 2, fields.count <= header.count, Array(header.prefix(fields.count)) == fields else {
                diagnostics.add(line: line, "bad header \"\(text)\": expected \"id,addresses,unix_user,interface\" (the last two optional)")
                return false
            }
            columns = fields.count
            return true
        }

        mutating func readRow(_ text: Substring, line: Int) {
            let fields: [String]
            switch CSVFieldSplitter.split(text) {
            case .success(let split):
                fields = split
            case .failure(.unterminatedQuote(let field)):
                diagnostics.add(line: line, "field \(field) has an unterminated quote (quoted fields cannot span lines)")
                return
            case .failure(.textAfterQuote(let field)):
                diagnostics.add(line: line, "field \(field) has text after its closing quote")
                return
            }
            let expected = header.prefix(columns).joined(separator: ",")
            guard fields.count <= columns else {
                diagnostics.add(line: line, "too many fields: expected at most \(columns) (\(expected)), found \(fields.count)")
                return
            }
            guard fields.count >= 2 else {
                diagnostics.add(line: line, "too few fields: expected \(expected), found \(fields.count)")
                return
            }
            let id = fields[0]
            guard ConfigNameRules.isValidUserID(id) else {
                diagnostics.add(line: line, "invalid user id \"\(id)\" (\(ConfigNameRules.userIDRule))")
                return
            }
            if let first = lineByID[id] {
                diagnostics.add(line: line, "duplicate user id \"\(id)\" (first at line \(first))")
                return
            }
            lineByID[id] = line
            let addresses = readAddresses(fields[1], user: id, line: line)
            let unixUser = fields.count > 2 && !fields[2].isEmpty ? fields[2] : nil
            let interface = fields.count > 3 && !fields[3].isEmpty ? fields[3] : nil
            if let interface, let interfaces, !interfaces.contains(interface) {
                diagnostics.add(line: line, "user \"\(id)\" names interface \"\(interface)\", which is not configured (interfaces: \(interfaces.joined(separator: ", ")))")
            }
            records.append(UserRecord(id: id, addresses: addresses, unixUser: unixUser, uid: nil, line: line, interface: interface))
        }

        private mutating func readAddresses(_ field: String, user: String, line: Int) -> [IPPrefix] {
            let tokens = field.split { $0 == " " || $0 == "\t" }.map(String.init)
            guard !tokens.isEmpty else {
                diagnostics.add(line: line, "user \"\(user)\" has no addresses")
                return []
            }
            var addresses: [IPPrefix] = []
            for token in tokens {
                guard let prefix = IPPrefix(token), let given = PrefixKey(prefix) else {
                    diagnostics.add(line: line, "invalid address or prefix \"\(token)\" for user \"\(user)\" (host bits of a prefix must be zero)")
                    continue
                }
                // A mapped address is filed as the IPv4 address it stands for.
                let key = given.ipv4Equivalent ?? given
                if key.coversEverything {
                    diagnostics.add(line: line, "\(token) of user \"\(user)\" covers every address; list the user's own addresses or prefixes")
                    continue
                }
                if let claim = claims[key] {
                    let note = Self.mappedNote(token, claim.text)
                    if claim.user == user {
                        diagnostics.add(line: line, "\(token) is listed twice for user \"\(user)\"\(note)")
                    } else {
                        diagnostics.add(line: line, "\(token) of user \"\(user)\" is already claimed by user \"\(claim.user)\" (line \(claim.line))\(note)")
                    }
                    continue
                }
                let claim = Claim(user: user, text: token, line: line, key: key)
                claims[key] = claim
                claimOrder.append(claim)
                addresses.append(prefix)
            }
            return addresses
        }

        /// Says which of two colliding addresses is the IPv4-mapped form of the other.
        private static func mappedNote(_ first: String, _ second: String) -> String {
            func isMapped(_ text: String) -> Bool { IPPrefix(text).flatMap(PrefixKey.init)?.ipv4Equivalent != nil }
            switch (isMapped(first), isMapped(second)) {
            case (true, false): return " (\(first) is the IPv4-mapped form of \(second))"
            case (false, true): return " (\(second) is the IPv4-mapped form of \(first))"
            default: return ""
            }
        }

        /// Reports prefixes of different users where one contains the other, at the
        /// later of the two lines, once per pair.
        func reportOverlaps() {
            var lengths: [Bool: Set<Int>] = [:]
            for claim in claimOrder { lengths[claim.key.isIPv6, default: []].insert(claim.key.length) }
            for claim in claimOrder {
                for length in lengths[claim.key.isIPv6, default: []].sorted() where length < claim.key.length {
                    guard let outer = claims[claim.key.truncated(to: length)], outer.user != claim.user else { continue }
                    let (later, earlier) = claim.line >= outer.line ? (claim, outer) : (outer, claim)
                    diagnostics.add(line: later.line, "\(later.text) of user \"\(later.user)\" overlaps \(earlier.text) of user \"\(earlier.user)\" (line \(earlier.line))")
                }
            }
        }
    }
}
