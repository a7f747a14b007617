import TOMLKit

/// `[[network.interface]]`: the list form of `[network] interface`/`ifb`, for a gateway with
/// more than one access side. Each entry names a subscriber-facing interface and its IFB:
///
///     [[network.interface]]
///     name = "eth1"
///     ifb = "ifb-eth1"
///
/// Rules, each reported at its own line: `name` is required; with several entries every one
/// names its `ifb` (a shared default would make two interfaces redirect upload into one
/// IFB, whose tree belongs to one of them); names and IFBs are unique, and no IFB is also an
/// interface. Mixing forms is refused: `ifb` in `[network]` next to the list
/// (`NetworkSectionKeys`), and `interface = "..."` next to it (TOML itself refuses that as a
/// redefinition; `mixedFormsHint` adds the way out to its message).
enum NetworkInterfaceKeys {
    /// One entry as written, before the list is checked as a whole.
    struct Draft {
        var name: String?
        var ifb: String?
        /// Written, even if unusable: its own error is enough, "needs a name" would repeat it.
        var hasName = false
        var hasIFB = false
    }

    static let table = ConfigKeyTable<Draft>("network.interface", arrayOfTables: true, [
        ConfigKey("name") { value, _, entry in
            entry.hasName = true
            entry.name = value.accepted(value.string(), if: ConfigNameRules.isValidInterfaceName, else: {
                "\"\($0)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))"
            })
        },
        ConfigKey("ifb") { value, _, entry in
            entry.hasIFB = true
            entry.ifb = value.accepted(value.string(), if: ConfigNameRules.isValidInterfaceName, else: {
                "\"\($0)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))"
            })
        },
    ])

    /// The interfaces `list` (the value of `[network] interface`, written at `line`) names,
    /// in file order; nil after reporting every problem.
    static func read(_ list: TOMLArray, line: Int, context: ConfigReadContext) -> [InterfaceSection]? {
        let diagnostics = context.diagnostics
        let errorsBefore = diagnostics.errors.count
        if list.isEmpty {
            diagnostics.add(line: line, "network.interface lists no interface")
        }
        let elements = table.readElements(list, at: ["network", "interface"], context: context, draft: Draft()) ?? []
        var entries: [(section: InterfaceSection, path: TOMLSourceIndex.Path)] = []
        for (entry, path) in elements {
            let entryLine = context.index.nearestLine(of: path)
            if !entry.hasName {
                diagnostics.add(line: entryLine, "[[network.interface]] needs a name")
            } else if !entry.hasIFB, list.count > 1 {
                diagnostics.add(line: entryLine, "[[network.interface]] \(entry.name.map { "\"\($0)\" " } ?? "")needs an ifb: with several interfaces each names its own")
            }
            guard let name = entry.name, entry.hasIFB == (entry.ifb != nil), list.count == 1 || entry.ifb != nil else { continue }
            entries.append((InterfaceSection(name: name, ifb: entry.ifb ?? NetworkSection.defaultIFB), path))
        }
        for problem in conflicts(entries, index: context.index) {
            diagnostics.add(line: problem.line, problem.message)
        }
        return diagnostics.errors.count == errorsBefore ? entries.map(\.section) : nil
    }

    /// TOML itself refuses `interface = "..."` next to `[[network.interface]]` (a key
    /// redefined); its message names the key but not the way out, which this adds.
    static func mixedFormsHint(syntaxError message: String) -> String? {
        guard message.contains("redefine"), message.contains("'network.interface'") || message.contains("'interface'") else { return nil }
        return "; write either interface/ifb in [network] or [[network.interface]] entries, not both"
    }

    /// Devices named twice: an interface listed twice, an IFB shared, an IFB that is an interface.
    private static func conflicts(
        _ entries: [(section: InterfaceSection, path: TOMLSourceIndex.Path)], index: TOMLSourceIndex
    ) -> [(line: Int, message: String)] {
        var problems: [(line: Int, message: String)] = []
        var interfaceLines: [String: Int] = [:]
        var ifbLines: [String: Int] = [:]
        for (section, path) in entries {
            let nameLine = index.nearestLine(of: path + ["name"])
            if let first = interfaceLines[section.name] {
                problems.append((nameLine, "network.interface.name \"\(section.name)\" is listed twice (first at line \(first))"))
            } else {
                interfaceLines[section.name] = nameLine
            }
            let ifbLine = index.nearestLine(of: path + ["ifb"])
            if let first = ifbLines[section.ifb] {
                problems.append((ifbLine, "network.interface.ifb \"\(section.ifb)\" is already the ifb of another interface (line \(first)); each interface needs its own"))
            } else {
                ifbLines[section.ifb] = ifbLine
            }
        }
        for (section, path) in entries {
            if let line = interfaceLines[section.ifb] {
                problems.append((index.nearestLine(of: path + ["ifb"]), "network.interface.ifb \"\(section.ifb)\" is also an interface (line \(line)); an ifb must be a device of its own"))
            }
        }
        return problems
    }
}
