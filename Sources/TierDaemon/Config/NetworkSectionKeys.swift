/// The keys of `[network]`, read into a section whose required values start empty:
/// `ConfigLoader` builds a configuration only when no error was recorded, and a missing or
/// unusable required key is one.
///
/// `interface` has two forms: a string (with `ifb` beside it), or `[[network.interface]]`
/// entries, each with its own `name` and `ifb` (`NetworkInterfaceKeys`), for a gateway with
/// more than one access side. `interface` is read first, so `ifb` knows which form it is in.
enum NetworkSectionKeys {
    /// `[network]` while it is read: the section, and whether its interfaces are written as
    /// `[[network.interface]]` entries (then `ifb` in `[network]` is an error, not the IFB
    /// of the first interface).
    struct Draft {
        var section = NetworkSection(interface: "", usersFile: "")
        var isListForm = false
    }

    static let table = ConfigKeyTable<Draft>("network", [
        ConfigKey("interface", required: true, restartOnly: \.network.interfaceNames) { value, context, draft in
            if let list = value.value?.array {
                draft.isListForm = true
                if let interfaces = NetworkInterfaceKeys.read(list, line: value.line, context: context) {
                    draft.section.interfaces = interfaces
                }
                return
            }
            let interface = value.accepted(value.string(), if: ConfigNameRules.isValidInterfaceName, else: {
                "\"\($0)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))"
            })
            if let interface { draft.section.interface = interface }
        },
        ConfigKey("ifb", restartOnly: \.network.ifbNames) { value, _, draft in
            if draft.isListForm {
                value.error("cannot be combined with [[network.interface]]: give each interface its own ifb")
                return
            }
            guard let ifb = value.string() else { return }
            if !ConfigNameRules.isValidInterfaceName(ifb) {
                value.error("\"\(ifb)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))")
            } else if ifb == draft.section.interface {
                value.error("must differ from network.interface \"\(ifb)\"")
            } else {
                draft.section.ifb = ifb
            }
        },
        ConfigKey("users_file", required: true) { value, context, draft in
            let usersFile = value.accepted(value.string(), if: { !$0.isEmpty }, else: { _ in "must not be empty" })
            if let usersFile { draft.section.usersFile = context.resolver.resolve(usersFile) }
        },
        ConfigKey("floor") { value, _, draft in
            if let floor = value.rate() { draft.section.floor = floor }
        },
        ConfigKey("takeover") { value, _, draft in
            if let takeover = value.bool() { draft.section.takeover = takeover }
        },
        ConfigKey("namespace", restartOnly: \.network.namespace) { value, _, draft in
            let namespace = value.accepted(value.string(), if: ConfigNameRules.isValidNamespaceName, else: {
                "\"\($0)\" is not a valid network namespace name"
            })
            if let namespace { draft.section.namespace = namespace }
        },
        ConfigKey("spare_classes", restartOnly: \.network.spareClasses) { value, _, draft in
            let spares = value.accepted(value.integer(), if: (0...NetworkSection.maxSpareClasses).contains, else: {
                "must be between 0 and \(NetworkSection.maxSpareClasses), found \($0)"
            })
            if let spares { draft.section.spareClasses = spares }
        },
    ])
}
