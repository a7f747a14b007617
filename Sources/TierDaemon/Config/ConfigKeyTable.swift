import TOMLKit

/// The keys of one config section, and the reading they drive: each written key is read
/// by its entry, a missing required one is reported at the table's line, and every key
/// not in the table is reported at its own line with a "did you mean" hint. Adding a key
/// to a section is one entry in its table (`DaemonSectionKeys` and the others).
struct ConfigKeyTable<Draft>: Sendable {
    /// How keys are named in messages: "daemon" gives "daemon.reconcile_interval".
    let prefix: String
    /// How the table is named in messages: "[daemon]" or "[[tier]]".
    let heading: String
    let keys: [ConfigKey<Draft>]

    /// `prefix` is also the table's name in the file; an array of tables is headed `[[prefix]]`.
    init(_ prefix: String, arrayOfTables: Bool = false, _ keys: [ConfigKey<Draft>]) {
        self.prefix = prefix
        heading = arrayOfTables ? "[[\(prefix)]]" : "[\(prefix)]"
        self.keys = keys
    }

    /// Reads `table`, written at `path` (e.g. ["tier", "[1]"]), into `draft`.
    func read(_ table: TOMLTable, at path: TOMLSourceIndex.Path, into draft: inout Draft, context: ConfigReadContext) {
        let diagnostics = context.diagnostics
        let allowed = Set(keys.map(\.name))
        for key in table.keys.sorted() where !allowed.contains(key) {
            diagnostics.add(
                line: context.index.nearestLine(of: path + [key]),
                "unknown key \"\(key)\" in \(heading)\(KeySuggestion.hint(for: key, among: allowed))"
            )
        }
        for key in keys {
            let value = TOMLValueReader(
                value: table[key.name], prefix: prefix, key: key.name,
                line: context.index.nearestLine(of: path + [key.name]), diagnostics: diagnostics
            )
            if value.value != nil {
                key.read(value, context, &draft)
            } else if key.isRequired {
                diagnostics.add(line: context.index.nearestLine(of: path), "\(value.name) is required")
            }
        }
    }

    /// Reads each element of an array of tables written at `path` (e.g. ["tier"] or
    /// ["network", "interface"]), with where it is written; nil, after reporting it, when
    /// the value is not an array.
    func readElements(
        _ value: TOMLValueConvertible, at path: TOMLSourceIndex.Path, context: ConfigReadContext, draft: Draft
    ) -> [(draft: Draft, path: TOMLSourceIndex.Path)]? {
        guard let array = value.array else {
            context.diagnostics.add(line: context.index.nearestLine(of: path), "\(prefix) must be an array of tables: write \(heading), not [\(prefix)]")
            return nil
        }
        var elements: [(draft: Draft, path: TOMLSourceIndex.Path)] = []
        for (position, element) in array.enumerated() {
            let elementPath = path + ["[\(position)]"]
            guard let table = element.table else {
                context.diagnostics.add(line: context.index.nearestLine(of: elementPath), "\(prefix) must be an array of tables: write \(heading)")
                continue
            }
            var read = draft
            self.read(table, at: elementPath, into: &read, context: context)
            elements.append((read, elementPath))
        }
        return elements
    }

    /// The restart-only keys whose loaded value differs, as messages name them.
    func restartOnlyChanges(from old: DaemonConfiguration, to new: DaemonConfiguration) -> [String] {
        keys.filter { $0.restartOnlyChange?(old, new) == true }.map { "\(prefix).\($0.name)" }
    }
}
