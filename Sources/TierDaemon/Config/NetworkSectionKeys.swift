/// The keys of `[network]`, read into a section whose required values start empty:
/// `ConfigLoader` builds a configuration only when no error was recorded, and a missing or
/// unusable required key is one.
enum NetworkSectionKeys {
    static let table = ConfigKeyTable<NetworkSection>("network", [
        ConfigKey("interface", required: true, restartOnly: \.network.interface) { value, _, section in
            let interface = value.accepted(value.string(), if: ConfigNameRules.isValidInterfaceName, else: {
                "\"\($0)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))"
            })
            if let interface { section.interface = interface }
        },
        ConfigKey("ifb", restartOnly: \.network.ifb) { value, _, section in
            guard let ifb = value.string() else { return }
            if !ConfigNameRules.isValidInterfaceName(ifb) {
                value.error("\"\(ifb)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))")
            } else if ifb == section.interface {
                value.error("must differ from network.interface \"\(ifb)\"")
            } else {
                section.ifb = ifb
            }
        },
        ConfigKey("users_file", required: true) { value, context, section in
            let usersFile = value.accepted(value.string(), if: { !$0.isEmpty }, else: { _ in "must not be empty" })
            if let usersFile { section.usersFile = context.resolver.resolve(usersFile) }
        },
        ConfigKey("floor") { value, _, section in
            if let floor = value.rate() { section.floor = floor }
        },
        ConfigKey("takeover") { value, _, section in
            if let takeover = value.bool() { section.takeover = takeover }
        },
        ConfigKey("namespace", restartOnly: \.network.namespace) { value, _, section in
            let namespace = value.accepted(value.string(), if: ConfigNameRules.isValidNamespaceName, else: {
                "\"\($0)\" is not a valid network namespace name"
            })
            if let namespace { section.namespace = namespace }
        },
        ConfigKey("spare_classes", restartOnly: \.network.spareClasses) { value, _, section in
            let spares = value.accepted(value.integer(), if: (0...NetworkSection.maxSpareClasses).contains, else: {
                "must be between 0 and \(NetworkSection.maxSpareClasses), found \($0)"
            })
            if let spares { section.spareClasses = spares }
        },
    ])
}
