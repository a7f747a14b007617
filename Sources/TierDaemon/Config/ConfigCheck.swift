/// What `tierd --config PATH --check` does: validate the config and the users file it
/// names, print every error as `file:line: message`, and exit 0 or 78 (EX_CONFIG).
///
/// The users file is checked even when the config has errors (as long as its path
/// could be read), so one run shows everything to fix. So are the directories the
/// sockets go in (`SocketDirectoryCheck`): everything that can be known without touching
/// the kernel. Warnings (a `unix_user` with no local account, an exempt id not in the
/// users file, an IPv4-mapped address, `/run/tierd` not created yet) never change the
/// exit code.
public enum ConfigCheck {
    /// sysexits.h EX_CONFIG.
    public static let configErrorExitCode: Int32 = 78

    public static func run(configPath: String) -> (exitCode: Int32, output: String) {
        run(configPath: configPath, directoryState: SocketDirectoryCheck.state(of:))
    }

    /// `directoryState` says what is at a directory path (injected so tests need no /run).
    static func run(
        configPath: String, directoryState: (String) -> SocketDirectoryCheck.DirectoryState
    ) -> (exitCode: Int32, output: String) {
        let evaluation: ConfigLoader.Evaluation
        switch TextFileReader.read(path: configPath) {
        case .success(let text):
            evaluation = ConfigLoader.evaluate(text: text, path: configPath)
        case .failure(let error):
            evaluation = ConfigLoader.Evaluation(configuration: nil, errors: [error], usersFile: nil)
        }
        var errors = evaluation.errors
        var users: [UserRecord] = []
        var warnings: [String] = []
        if let configuration = evaluation.configuration, let index = evaluation.index {
            let directories = SocketDirectoryCheck.check(configuration, index: index, state: directoryState)
            errors += directories.errors
            warnings += directories.warnings
        }
        if let usersFile = evaluation.usersFile {
            do {
                users = try UsersFileLoader.load(path: usersFile, interfaces: evaluation.interfaces)
                warnings += UsersFileLoader.warnings(for: users, path: usersFile)
            } catch {
                errors += error.errors
            }
        }
        guard errors.isEmpty, let configuration = evaluation.configuration else {
            let lines = errors.map(\.description) + warnings
            return (configErrorExitCode, lines.joined(separator: "\n") + "\n")
        }
        let known = Set(users.map(\.id))
        for id in configuration.scoring.exempt where !known.contains(id) {
            warnings.append("\(configPath): warning: scoring.exempt lists \"\(id)\", which is not in \(configuration.network.usersFile)")
        }
        warnings += inversionWarnings(configuration)
        let lines = warnings + summary(configuration, users: users)
        return (0, lines.joined(separator: "\n") + "\n")
    }

    /// A better tier (higher `min_score`) that is slower than a worse one in some
    /// direction is legal but almost certainly a mistake: say so without failing.
    static func inversionWarnings(_ configuration: DaemonConfiguration) -> [String] {
        var warnings: [String] = []
        let tiers = configuration.tiers
        for (better, worse) in zip(tiers, tiers.dropFirst()) {
            for (direction, betterRate, worseRate) in [
                ("download", better.download, worse.download), ("upload", better.upload, worse.upload),
            ] {
                // nil is unthrottled, i.e. faster than any rate.
                guard let betterRate, (worseRate.map { betterRate < $0 } ?? true) else { continue }
                let worseText = worseRate.map(RateParser.format) ?? "unthrottled"
                warnings.append("\(configuration.sourcePath):\(better.line): warning: tier \"\(better.name)\" \(direction) \(RateParser.format(betterRate)) is slower than the lower tier \"\(worse.name)\" (\(worseText))")
            }
        }
        return warnings
    }

    /// A few lines an operator can eyeball: what will be shaped, how, and for whom.
    static func summary(_ configuration: DaemonConfiguration, users: [UserRecord]) -> [String] {
        let network = configuration.network
        let tiers = configuration.tiers.map { tier in
            let threshold = tier.minScore.map { ">= \(ScoreText.format($0))" } ?? "catch-all"
            let rates = tier.isUnthrottled
                ? "unthrottled"
                : "down \(tier.download.map(RateParser.format) ?? "unthrottled"), up \(tier.upload.map(RateParser.format) ?? "unthrottled")"
            return "  \(tier.name) (\(threshold)): \(rates)"
        }
        let addresses = users.reduce(0) { $0 + $1.addresses.count }
        let place = network.namespace.map { " in netns \($0)" } ?? ""
        let interfaces = network.interfaces.count == 1
            ? "interface \(network.interface)\(place), upload via \(network.ifb)"
            : "interfaces " + network.interfaces.map { interface in
                let count = users.filter { network.interface(of: $0) == interface.name }.count
                return "\(interface.name) (upload via \(interface.ifb), \(count) users)"
            }.joined(separator: ", ") + place
        var lines = [
            "\(configuration.sourcePath): OK",
            "\(interfaces), floor \(RateParser.format(network.floor))",
            "tiers, best first (default \(configuration.scoring.defaultTier)):",
        ]
        lines += tiers
        lines.append("users: \(users.count) with \(addresses) addresses from \(network.usersFile)")
        return lines
    }
}
