import ConfigSyntax
import IPAddressing

/// ShapedDevices.csv (LibreQoS) -> tierd users: one user per circuit, with the addresses
/// of every device row of that circuit, and every row that could not be mapped with why.
///
/// Pure: text in, values out, so the untrusted-input path can be fuzzed (Fuzz/run.sh) and
/// tested without files. `tierctl import libreqos` does the reading and writing.
public enum ShapedDevicesImport {
    public struct Result: Equatable, Sendable {
        /// In the order their circuits first appear.
        public let users: [ImportedUser]
        /// In line order.
        public let skipped: [SkippedRow]
        /// Device rows read (every content line after the header).
        public let rowCount: Int
    }

    /// A file the import cannot read at all: nothing is converted.
    public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
        case noHeader
        case badHeader(line: Int, missing: [String])

        public var description: String {
            switch self {
            case .noHeader:
                return "no header line (LibreQoS's ShapedDevices.csv starts with \"Circuit ID,Circuit Name,...\")"
            case .badHeader(let line, let missing):
                return "line \(line): the header has no \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) column"
            }
        }
    }

    public static func convert(_ text: String) -> Swift.Result<Result, FileError> {
        let lines = CSVLines.content(of: text)
        guard let header = lines.first else { return .failure(.noHeader) }
        let headerFields = (try? CSVFieldSplitter.split(header.text).get()) ?? []
        let columns: ShapedDevicesColumns
        switch ShapedDevicesColumns.find(in: headerFields) {
        case .success(let found): columns = found
        case .failure(let missing): return .failure(.badHeader(line: header.number, missing: missing.names))
        }
        var skipped: [SkippedRow] = []
        var rows: [DeviceRow] = []
        for (number, line) in lines.dropFirst() {
            switch CSVFieldSplitter.split(line) {
            case .failure(.unterminatedQuote(let field)):
                skipped.append(SkippedRow(line: number, reason: .unreadable("field \(field) has an unterminated quote (quoted fields cannot span lines)")))
            case .failure(.textAfterQuote(let field)):
                skipped.append(SkippedRow(line: number, reason: .unreadable("field \(field) has text after its closing quote")))
            case .success(let fields):
                switch DeviceRow.read(fields, line: number, columns: columns) {
                case .success(let row): rows.append(row)
                case .failure(let reason): skipped.append(SkippedRow(line: number, reason: reason))
                }
            }
        }
        let (users, clashes) = assemble(rows)
        skipped.append(contentsOf: clashes)
        skipped.sort { $0.line < $1.line }
        return .success(Result(users: users, skipped: skipped, rowCount: lines.count - 1))
    }

    /// Keeps each row that clashes with no row kept before it, and groups the kept rows
    /// into users by circuit.
    private static func assemble(_ rows: [DeviceRow]) -> ([ImportedUser], [SkippedRow]) {
        var claims = AddressClaims(lengthsIn: rows)
        var plans: [String: (plan: RatePlan, line: Int)] = [:]
        var kept: [String: [DeviceRow]] = [:]
        var order: [String] = []
        var skipped: [SkippedRow] = []
        rowLoop: for row in rows {
            if let first = plans[row.circuitID], first.plan != row.plan {
                skipped.append(SkippedRow(line: row.line, reason: .conflictingRates(
                    row.plan, circuit: row.circuitID, otherLine: first.line, otherPlan: first.plan)))
                continue
            }
            for address in row.addresses {
                if let reason = claims.clash(address, circuit: row.circuitID) {
                    skipped.append(SkippedRow(line: row.line, reason: reason))
                    continue rowLoop
                }
            }
            for address in row.addresses { claims.claim(address, circuit: row.circuitID, line: row.line) }
            if plans[row.circuitID] == nil {
                plans[row.circuitID] = (row.plan, row.line)
                order.append(row.circuitID)
            }
            kept[row.circuitID, default: []].append(row)
        }
        let users = order.map { id in
            let rows = kept[id] ?? []
            var seen: Set<PrefixKey> = []
            let addresses = rows.flatMap(\.addresses).filter { seen.insert($0.key).inserted }.map(\.prefix)
            return ImportedUser(
                id: id, name: rows.first?.circuitName ?? "", addresses: addresses,
                plan: rows[0].plan, lines: rows.map(\.line))
        }
        return (users, skipped)
    }
}
