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
        /// Where the text's keys are written, for checks after loading; nil when the text
        /// could not be read or parsed.
        var index: TOMLSourceIndex?
        /// The interfaces' names if they could be read: what the users file's `interface`
        /// column may name (nil: not checked).
        var interfaces: [String]? = nil
    }

    static let sections: Set<String> = ["daemon", "feed", "scoring", "network", "tier"]

    static func evaluate(text: String, path: String) -> Evaluation {
        let diagnostics = ConfigDiagnostics(file: path)
        let index = TOMLSourceIndex(text: text)
        if let problem = index.problem {
            diagnostics.add(line: problem.line, "syntax error: \(problem.message)")
            return Evaluation(configuration: nil, errors: diagnostics.sortedErrors)
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            diagnostics.add(
                line: error.source.begin.line,
                "syntax error: \(error.description) (column \(error.source.begin.column))"
                    + (NetworkInterfaceKeys.mixedFormsHint(syntaxError: error.description) ?? "")
            )
            return Evaluation(configuration: nil, errors: diagnostics.sortedErrors)
        } catch {
            diagnostics.add(line: 0, "syntax error: \(error)")
            return Evaluation(configuration: nil, errors: diagnostics.sortedErrors)
        }
        var context = ConfigReadContext(index: index, diagnostics: diagnostics, resolver: ConfigPathResolver(configPath: path))

        for key in root.keys.sorted() where !sections.contains(key) {
            reportUnknownTopLevel(key, value: root[key], line: index.nearestLine(of: [key]), diagnostics: diagnostics)
        }

        func section<Draft>(_ keys: ConfigKeyTable<Draft>, _ draft: Draft) -> Draft {
            var draft = draft
            var table = TOMLTable()
            if let value = root[keys.prefix] {
                if let found = value.table {
                    table = found
                } else {
                    diagnostics.add(line: index.nearestLine(of: [keys.prefix]), "\(keys.prefix) must be a table: write [\(keys.prefix)]")
                }
            }
            keys.read(table, at: [keys.prefix], into: &draft, context: context)
            return draft
        }

        let daemon = section(DaemonSectionKeys.table, DaemonSection())
        let feed = section(FeedSectionKeys.table, FeedSection())
        let network = section(NetworkSectionKeys.table, NetworkSectionKeys.Draft()).section
        context.floor = network.floor
        context.tiers = TierListValidator(diagnostics: diagnostics, index: index)
            .validate(tierTables(root: root, context: context))
        let scoring = section(ScoringSectionKeys.table, ScoringSection(defaultTier: context.tiers.first?.name ?? ""))

        let errors = diagnostics.sortedErrors
        let usersFile = network.usersFile.isEmpty ? nil : network.usersFile
        let interfaceNames = network.interfaces.allSatisfy { !$0.name.isEmpty } ? network.interfaceNames : nil
        guard errors.isEmpty else {
            return Evaluation(configuration: nil, errors: errors, usersFile: usersFile, index: index, interfaces: interfaceNames)
        }
        let configuration = DaemonConfiguration(
            daemon: daemon, feed: feed, scoring: scoring, network: network,
            tiers: context.tiers, sourcePath: context.resolver.configPath
        )
        return Evaluation(configuration: configuration, errors: [], usersFile: usersFile, index: index, interfaces: interfaceNames)
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

    /// Each `[[tier]]` read; at least one is required.
    private static func tierTables(root: TOMLTable, context: ConfigReadContext) -> [TierListValidator.WrittenTier] {
        guard let value = root["tier"] else {
            context.diagnostics.add(line: 0, "at least one [[tier]] is required")
            return []
        }
        guard let tiers = TierSectionKeys.table.readElements(value, at: ["tier"], context: context, draft: TierSectionKeys.Draft())
        else { return [] }
        if tiers.isEmpty && value.array?.isEmpty == true {
            context.diagnostics.add(line: context.index.nearestLine(of: ["tier"]), "at least one [[tier]] is required")
        }
        return tiers
    }
}
