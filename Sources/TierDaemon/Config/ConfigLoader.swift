import TOMLKit

/// Loads and validates `tierd.toml`.
///
/// Throws `ConfigErrors` (typed throws) holding EVERY problem found, each as
/// `file:line: message`, ordered by line. Syntax errors come from TOMLKit (toml++
/// stops at the first one, so a syntax error is reported alone); semantic checks run on
/// a syntactically valid document and are all reported together.
public enum ConfigLoader {
    public static func load(path: String) throws(ConfigErrors) -> DaemonConfiguration {
        switch TextFileReader.read(path: path) {
        case .success(let text): return try parse(text: text, path: path)
        case .failure(let error): throw ConfigErrors([error])
        }
    }

    /// `path` names the file in messages and is the base for relative `users_file`
    /// and `feed.file` paths; nothing is read from it.
    public static func parse(text: String, path: String) throws(ConfigErrors) -> DaemonConfiguration {
        let evaluation = evaluate(text: text, path: path)
        guard let configuration = evaluation.configuration, evaluation.errors.isEmpty else {
            throw ConfigErrors(evaluation.errors)
        }
        return configuration
    }

    /// The partial result `tierd --check` needs: even when the config has errors, the
    /// users file it names is still worth checking.
    struct Evaluation {
        var configuration: DaemonConfiguration?
        var errors: [ConfigError]
        /// Resolved `network.users_file` if it could be read from the config.
        var usersFile: String?
        /// The interfaces' names if they could be read: what the users file's `interface`
        /// column may name (nil: not checked).
        var interfaces: [String]? = nil
    }

    static let sections: Set<String> = ["daemon", "feed", "scoring", "network", "tier"]

    static func evaluate(text: String, path: String) -> Evaluation {
        let diagnostics = ConfigDiagnostics(file: path)
        if let problem = TOMLPreflight.check(text) {
            diagnostics.add(line: problem.line, "syntax error: \(problem.message)")
            return Evaluation(configuration: nil, errors: diagnostics.sortedErrors, usersFile: nil)
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            diagnostics.add(
                line: error.source.begin.line,
                "syntax error: \(error.description) (column \(error.source.begin.column))"
                    + (InterfaceListParser.mixedFormsHint(syntaxError: error.description) ?? "")
            )
            return Evaluation(configuration: nil, errors: diagnostics.sortedErrors, usersFile: nil)
        } catch {
            diagnostics.add(line: 0, "syntax error: \(error)")
            return Evaluation(configuration: nil, errors: diagnostics.sortedErrors, usersFile: nil)
        }
        let locator = TOMLKeyLocator(text: text)
        let resolver = ConfigPathResolver(configPath: path)

        for key in root.keys.sorted() where !sections.contains(key) {
            reportUnknownTopLevel(key, value: root[key], line: locator.nearestLine(of: [key]), diagnostics: diagnostics)
        }

        func section(_ name: String) -> TOMLTableReader {
            let line = locator.nearestLine(of: [name])
            var table = TOMLTable()
            if let value = root[name] {
                if let found = value.table {
                    table = found
                } else {
                    diagnostics.add(line: line, "\(name) must be a table: write [\(name)]")
                }
            }
            return TOMLTableReader(
                table: table, path: [name], prefix: name, heading: "[\(name)]",
                locator: locator, diagnostics: diagnostics
            )
        }

        let parser = ConfigSectionParser(diagnostics: diagnostics, resolver: resolver)
        let daemon = parser.daemon(section("daemon"))
        let feed = parser.feed(section("feed"))
        let network = parser.network(section("network"))
        let tierReaders = tierTables(root: root, locator: locator, diagnostics: diagnostics)
        let tiers = TierListValidator(diagnostics: diagnostics, floor: network.floor)
            .validate(tierReaders)
        let scoring = parser.scoring(section("scoring"), tiers: tiers)

        let errors = diagnostics.sortedErrors
        let interfaces = network.interfaces ?? network.interface.map { [InterfaceSection(name: $0, ifb: network.ifb)] }
        guard errors.isEmpty, let interfaces, let usersFile = network.usersFile,
              let defaultTier = scoring.defaultTier
        else {
            return Evaluation(configuration: nil, errors: errors, usersFile: network.usersFile, interfaces: interfaces?.map(\.name))
        }
        let configuration = DaemonConfiguration(
            daemon: daemon,
            feed: feed,
            scoring: ScoringSection(
                baseline: scoring.baseline, halfLife: scoring.halfLife, hysteresis: scoring.hysteresis,
                minDwell: scoring.minDwell, defaultTier: defaultTier, exempt: scoring.exempt
            ),
            network: NetworkSection(
                interfaces: interfaces, usersFile: usersFile, floor: network.floor,
                takeover: network.takeover, namespace: network.namespace, spareClasses: network.spareClasses
            ),
            tiers: tiers,
            sourcePath: resolver.configPath
        )
        return Evaluation(configuration: configuration, errors: [], usersFile: usersFile, interfaces: interfaces.map(\.name))
    }

    /// An unknown `[table]`, `[[array]]` or bare key at the top level, with a hint when
    /// it looks like a misspelled section.
    private static func reportUnknownTopLevel(
        _ key: String, value: TOMLValueConvertible?, line: Int, diagnostics: ConfigDiagnostics
    ) {
        let suggestion = KeySuggestion.closest(to: key, among: sections)
        if value?.table != nil {
            let hint = suggestion.map { "did you mean [\($0)]?" }
                ?? "expected [daemon], [feed], [scoring], [network] or [[tier]]"
            diagnostics.add(line: line, "unknown section [\(key)] (\(hint))")
        } else if let array = value?.array, !array.isEmpty, array.allSatisfy({ $0.table != nil }) {
            let hint = suggestion.map { "did you mean [[\($0)]]?" } ?? "the only array of tables is [[tier]]"
            diagnostics.add(line: line, "unknown section [[\(key)]] (\(hint))")
        } else {
            diagnostics.add(line: line, "unknown key \"\(key)\" at top level (keys belong in a section)")
        }
    }

    /// Readers for each `[[tier]]`, reporting a `[tier]` written as a plain table.
    private static func tierTables(
        root: TOMLTable, locator: TOMLKeyLocator, diagnostics: ConfigDiagnostics
    ) -> [TOMLTableReader] {
        guard let value = root["tier"] else {
            diagnostics.add(line: 0, "at least one [[tier]] is required")
            return []
        }
        guard let array = value.array else {
            diagnostics.add(line: locator.nearestLine(of: ["tier"]), "tier must be an array of tables: write [[tier]], not [tier]")
            return []
        }
        var readers: [TOMLTableReader] = []
        for (index, element) in array.enumerated() {
            let path = ["tier", "[\(index)]"]
            guard let table = element.table else {
                diagnostics.add(line: locator.nearestLine(of: path), "tier must be an array of tables: write [[tier]]")
                continue
            }
            readers.append(TOMLTableReader(
                table: table, path: path, prefix: "tier", heading: "[[tier]]",
                locator: locator, diagnostics: diagnostics
            ))
        }
        if readers.isEmpty && array.isEmpty {
            diagnostics.add(line: locator.nearestLine(of: ["tier"]), "at least one [[tier]] is required")
        }
        return readers
    }
}
