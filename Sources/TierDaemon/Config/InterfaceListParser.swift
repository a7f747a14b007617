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
/// interface. Mixing forms is refused: `ifb` in `[network]` next to the list, and `interface
/// = "..."` next to it (TOML itself refuses that as a redefinition, at its line).
///
/// WHY its own type: the single form stays parsed where it was (`ConfigSectionParser`); this
/// is the only code that knows the list form, hooked in by `isListForm`.
struct InterfaceListParser {
    let diagnostics: ConfigDiagnostics

    /// Whether `[network]`'s `interface` is written as an array (of tables, or wrongly of
    /// anything else): then this parser owns it and `ifb` in `[network]`.
    static func isListForm(_ network: TOMLTableReader) -> Bool {
        network.table["interface"]?.array != nil
    }

    /// TOML itself refuses `interface = "..."` next to `[[network.interface]]` (a key
    /// redefined); its message names the key but not the way out, which this adds.
    static func mixedFormsHint(syntaxError message: String) -> String? {
        guard message.contains("redefine"), message.contains("'network.interface'") || message.contains("'interface'") else { return nil }
        return "; write either interface/ifb in [network] or [[network.interface]] entries, not both"
    }

    /// The interfaces in file order, or nil after recording an error for every problem.
    func parse(_ network: TOMLTableReader) -> [InterfaceSection]? {
        guard let array = network.table["interface"]?.array else { return nil }
        var valid = true
        func fail(line: Int, _ message: String) {
            diagnostics.add(line: line, message)
            valid = false
        }
        if network.has("ifb") {
            fail(line: network.line(of: "ifb"), "network.ifb cannot be combined with [[network.interface]]: give each interface its own ifb")
        }
        if array.isEmpty {
            fail(line: network.line(of: "interface"), "network.interface lists no interface")
        }
        var entries: [(section: InterfaceSection, reader: TOMLTableReader)] = []
        for (index, element) in array.enumerated() {
            let path = network.path + ["interface", "[\(index)]"]
            guard let table = element.table else {
                fail(line: network.locator.nearestLine(of: path), "network.interface must be a string or [[network.interface]] tables, found \(TOMLTableReader.describe(element)) in an array")
                continue
            }
            let reader = TOMLTableReader(
                table: table, path: path, prefix: "network.interface", heading: "[[network.interface]]",
                locator: network.locator, diagnostics: diagnostics)
            guard let entry = self.entry(reader, several: array.count > 1) else {
                valid = false
                continue
            }
            entries.append((entry, reader))
        }
        for problem in Self.conflicts(entries) {
            fail(line: problem.line, problem.message)
        }
        return valid ? entries.map(\.section) : nil
    }

    /// One entry's `name` and `ifb`; nil after reporting what is wrong with it.
    private func entry(_ reader: TOMLTableReader, several: Bool) -> InterfaceSection? {
        let errorsBefore = diagnostics.errors.count
        reader.rejectUnknownKeys(allowed: ["name", "ifb"])
        let name = reader.string("name")
        if let name, !ConfigNameRules.isValidInterfaceName(name) {
            reader.error("name", "\"\(name)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))")
        } else if name == nil && !reader.has("name") {
            diagnostics.add(line: reader.line, "[[network.interface]] needs a name")
        }
        let ifb = reader.string("ifb")
        if let ifb, !ConfigNameRules.isValidInterfaceName(ifb) {
            reader.error("ifb", "\"\(ifb)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))")
        } else if ifb == nil && !reader.has("ifb") && several {
            diagnostics.add(line: reader.line, "[[network.interface]] \(name.map { "\"\($0)\" " } ?? "")needs an ifb: with several interfaces each names its own")
        }
        guard let name, diagnostics.errors.count == errorsBefore else { return nil }
        return InterfaceSection(name: name, ifb: ifb ?? NetworkSection.defaultIFB)
    }

    /// Devices named twice: an interface listed twice, an IFB shared, an IFB that is an interface.
    private static func conflicts(_ entries: [(section: InterfaceSection, reader: TOMLTableReader)]) -> [(line: Int, message: String)] {
        var problems: [(line: Int, message: String)] = []
        var interfaceLines: [String: Int] = [:]
        var ifbLines: [String: Int] = [:]
        for (section, reader) in entries {
            let nameLine = reader.line(of: "name")
            if let first = interfaceLines[section.name] {
                problems.append((nameLine, "network.interface.name \"\(section.name)\" is listed twice (first at line \(first))"))
            } else {
                interfaceLines[section.name] = nameLine
            }
            let ifbLine = reader.line(of: "ifb")
            if let first = ifbLines[section.ifb] {
                problems.append((ifbLine, "network.interface.ifb \"\(section.ifb)\" is already the ifb of another interface (line \(first)); each interface needs its own"))
            } else {
                ifbLines[section.ifb] = ifbLine
            }
        }
        for (section, reader) in entries {
            if let line = interfaceLines[section.ifb] {
                problems.append((reader.line(of: "ifb"), "network.interface.ifb \"\(section.ifb)\" is also an interface (line \(line)); an ifb must be a device of its own"))
            }
        }
        return problems
    }
}
