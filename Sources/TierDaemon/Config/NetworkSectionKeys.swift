/// The keys of `[network]`, read into a section whose required values start empty:
/// `ConfigLoader` builds a configuration only when no error was recorded, and a missing or
/// unusable required key is one.
enum NetworkSectionKeys {
    static let table = ConfigKeyTable<NetworkSection>("network", [
        ConfigKey("interface", required: true, restartOnly: \.network.interface) { value, _, section in
            guard let interface = value.string() else { return }
            if ConfigNameRules.isValidInterfaceName(interface) {
                section.interface = interface
            } else {
                value.error("\"\(interface)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))")
            }
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
            guard let usersFile = value.string() else { return }
            if usersFile.isEmpty {
                value.error("must not be empty")
            } else {
                section.usersFile = context.resolver.resolve(usersFile)
            }
        },
        ConfigKey("floor") { value, _, section in
            if let floor = value.rate() { section.floor = floor }
        },
        ConfigKey("takeover") { value, _, section in
            if let takeover = value.bool() { section.takeover = takeover }
        },
        ConfigKey("namespace", restartOnly: \.network.namespace) { value, _, section in
            guard let namespace = value.string() else { return }
            if ConfigNameRules.isValidNamespaceName(namespace) {
                section.namespace = namespace
            } else {
                value.error("\"\(namespace)\" is not a valid network namespace name")
            }
        },
        ConfigKey("spare_classes", restartOnly: \.network.spareClasses) { value, _, section in
            guard let spares = value.integer() else { return }
            if (0...NetworkSection.maxSpareClasses).contains(spares) {
                section.spareClasses = spares
            } else {
                value.error("must be between 0 and \(NetworkSection.maxSpareClasses), found \(spares)")
            }
        },
    ])
}
