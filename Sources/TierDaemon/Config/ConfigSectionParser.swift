/// Reads and checks `[daemon]`, `[feed]`, `[scoring]` and `[network]`, applying the
/// documented defaults for absent keys and recording an error for each bad one.
struct ConfigSectionParser {
    let diagnostics: ConfigDiagnostics
    let resolver: ConfigPathResolver

    /// `[network]` before the required keys are known to be present.
    struct PartialNetwork {
        var interface: String?
        var ifb = NetworkSection.defaultIFB
        /// `[[network.interface]]` (`InterfaceListParser`), when written in that form.
        var interfaces: [InterfaceSection]?
        var usersFile: String?
        var floor = NetworkSection.defaultFloor
        var takeover = false
        var namespace: String?
        var spareClasses = NetworkSection.defaultSpareClasses
    }

    /// `[scoring]` before `default_tier` is known to name a tier.
    struct PartialScoring {
        var baseline = ScoringSection.defaultBaseline
        var halfLife = ScoringSection.defaultHalfLife
        var hysteresis = ScoringSection.defaultHysteresis
        var minDwell = ScoringSection.defaultMinDwell
        var defaultTier: String?
        var exempt: [String] = []
    }

    func daemon(_ reader: TOMLTableReader) -> DaemonSection {
        reader.rejectUnknownKeys(allowed: ["control_socket", "state_dir", "admin_group", "reconcile_interval"])
        var section = DaemonSection()
        if let socket = reader.string("control_socket"), checkSocketPath(socket, key: "control_socket", reader) {
            section.controlSocket = socket
        }
        if let directory = reader.string("state_dir"), checkAbsolute(directory, key: "state_dir", reader) {
            section.stateDir = directory
        }
        if let group = reader.string("admin_group") {
            if group.isEmpty {
                reader.error("admin_group", "must not be empty (omit it to allow only root)")
            } else {
                section.adminGroup = group
            }
        }
        if let interval = reader.duration("reconcile_interval") {
            if interval > 0 {
                section.reconcileInterval = interval
            } else {
                reader.error("reconcile_interval", "must be greater than 0s")
            }
        }
        return section
    }

    func feed(_ reader: TOMLTableReader) -> FeedSection {
        reader.rejectUnknownKeys(allowed: ["file", "socket", "stale_after", "max_line", "max_future_skew"])
        var section = FeedSection()
        if let file = reader.string("file") {
            if file.isEmpty {
                reader.error("file", "must not be empty (omit it to disable the file feed)")
            } else {
                section.file = resolver.resolve(file)
            }
        }
        if let socket = reader.string("socket"), checkSocketPath(socket, key: "socket", reader) {
            section.socket = socket
        }
        if let stale = reader.duration("stale_after") {
            section.staleAfter = stale > 0 ? stale : nil
        }
        if let skew = reader.duration("max_future_skew") {
            section.maxFutureSkew = skew
        }
        if let maxLine = reader.integer("max_line") {
            if (64...16_777_216).contains(maxLine) {
                section.maxLine = maxLine
            } else {
                reader.error("max_line", "must be between 64 and 16777216 bytes, found \(maxLine)")
            }
        }
        return section
    }

    func network(_ reader: TOMLTableReader) -> PartialNetwork {
        reader.rejectUnknownKeys(allowed: ["interface", "ifb", "users_file", "floor", "takeover", "namespace", "spare_classes"])
        var section = PartialNetwork()
        // The list form owns `interface` and `ifb` (hook for `InterfaceListParser`).
        if InterfaceListParser.isListForm(reader) {
            section.interfaces = InterfaceListParser(diagnostics: diagnostics).parse(reader)
        } else if let interface = reader.string("interface") {
            if ConfigNameRules.isValidInterfaceName(interface) {
                section.interface = interface
            } else {
                reader.error("interface", "\"\(interface)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))")
            }
        } else if !reader.has("interface") {
            diagnostics.add(line: reader.line, "network.interface is required")
        }
        if !InterfaceListParser.isListForm(reader), let ifb = reader.string("ifb") {
            if !ConfigNameRules.isValidInterfaceName(ifb) {
                reader.error("ifb", "\"\(ifb)\" is not a valid interface name (\(ConfigNameRules.interfaceNameRule))")
            } else if ifb == section.interface {
                reader.error("ifb", "must differ from network.interface \"\(ifb)\"")
            } else {
                section.ifb = ifb
            }
        }
        if let usersFile = reader.string("users_file") {
            if usersFile.isEmpty {
                reader.error("users_file", "must not be empty")
            } else {
                section.usersFile = resolver.resolve(usersFile)
            }
        } else if !reader.has("users_file") {
            diagnostics.add(line: reader.line, "network.users_file is required")
        }
        if let floor = reader.rate("floor") {
            section.floor = floor
        }
        if let takeover = reader.bool("takeover") {
            section.takeover = takeover
        }
        if let namespace = reader.string("namespace") {
            if ConfigNameRules.isValidNamespaceName(namespace) {
                section.namespace = namespace
            } else {
                reader.error("namespace", "\"\(namespace)\" is not a valid network namespace name")
            }
        }
        if let spares = reader.integer("spare_classes") {
            if (0...NetworkSection.maxSpareClasses).contains(spares) {
                section.spareClasses = spares
            } else {
                reader.error("spare_classes", "must be between 0 and \(NetworkSection.maxSpareClasses), found \(spares)")
            }
        }
        return section
    }

    /// Needs the validated tiers: `default_tier` must name one, and defaults to the best
    /// (fail open: a stale user gets the most generous tier, not the harshest).
    func scoring(_ reader: TOMLTableReader, tiers: [TierSection]) -> PartialScoring {
        reader.rejectUnknownKeys(allowed: ["baseline", "half_life", "hysteresis", "min_dwell", "default_tier", "exempt"])
        var section = PartialScoring()
        if let baseline = reader.number("baseline") {
            section.baseline = baseline
        }
        if let halfLife = reader.duration("half_life") {
            section.halfLife = halfLife
        }
        if let hysteresis = reader.number("hysteresis") {
            if hysteresis >= 0 {
                section.hysteresis = hysteresis
            } else {
                reader.error("hysteresis", "must not be negative, found \(ScoreText.format(hysteresis))")
            }
        }
        if let minDwell = reader.duration("min_dwell") {
            section.minDwell = minDwell
        }
        if let name = reader.string("default_tier") {
            if tiers.contains(where: { $0.name == name }) {
                section.defaultTier = name
            } else if !tiers.isEmpty {
                let names = tiers.map(\.name).joined(separator: ", ")
                reader.error("default_tier", "\"\(name)\" does not name a [[tier]] (tiers: \(names))")
            }
        } else if !reader.has("default_tier") {
            section.defaultTier = tiers.first?.name
        }
        if let exempt = reader.stringArray("exempt") {
            var seen: Set<String> = []
            for id in exempt {
                if !ConfigNameRules.isValidUserID(id) {
                    reader.error("exempt", "contains an invalid user id \"\(id)\" (\(ConfigNameRules.userIDRule))")
                } else if !seen.insert(id).inserted {
                    reader.error("exempt", "lists \"\(id)\" twice")
                }
            }
            section.exempt = exempt
        }
        return section
    }

    private func checkAbsolute(_ path: String, key: String, _ reader: TOMLTableReader) -> Bool {
        guard path.hasPrefix("/") else {
            reader.error(key, "must be an absolute path, found \"\(path)\"")
            return false
        }
        return true
    }

    private func checkSocketPath(_ path: String, key: String, _ reader: TOMLTableReader) -> Bool {
        guard checkAbsolute(path, key: key, reader) else { return false }
        let length = path.utf8.count
        guard length <= ConfigNameRules.maxSocketPathBytes else {
            reader.error(key, "is too long for a Unix socket path (\(length) bytes, at most \(ConfigNameRules.maxSocketPathBytes))")
            return false
        }
        return true
    }
}
