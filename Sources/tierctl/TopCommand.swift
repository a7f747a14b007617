import ArgumentParser
import Control
import Dispatch
import Foundation
import Glibc

/// `tierctl top`: per-user download and upload rates, tier and drops, live and sorted,
/// from the daemon's `counters` (HTB class byte counters differenced between samples).
/// `--once` prints one measurement (two samples `--interval` apart) for scripts.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Show each user's download and upload rate, tier and drops, live (like top).",
        discussion: """
            Keys: d download, u upload, x drops, n name, t tier (sort); / type a filter on \
            user ids (Enter keeps it, Esc drops it); f cycle through tiers; Esc clear the \
            filters; q quit. Rates are bit/s over the last interval, from the byte counters of \
            each user's HTB classes; users in an unthrottled tier have no class and show '-'. \
            Needs root or the admin group. The daemon shares one kernel dump between clients \
            and reuses it for max(0.5 s, 4 x the dump's time), so a shorter --interval than \
            that repeats the same numbers.
            """
    )

    @ParentCommand var tierctl: Tierctl

    @Option(help: ArgumentHelp("Seconds between samples.", valueName: "seconds"))
    var interval: Double = 2

    @Option(help: ArgumentHelp("Sort by download, upload, drops, name or tier.", valueName: "key"))
    var sort: TopView.Sort = .download

    @Option(help: ArgumentHelp("Show only users in this tier.", valueName: "tier"))
    var tier: String?

    @Flag(help: "Take one measurement (two samples an interval apart), print it and exit.")
    var once = false

    @Flag(help: "With --once: print the measurement as JSON.")
    var json = false

    func validate() throws {
        guard interval >= 0.1, interval.isFinite else { throw ValidationError("--interval must be at least 0.1 seconds") }
        if json && !once { throw ValidationError("--json goes with --once") }
    }

    func run() async throws {
        var view = TopView(sort: sort, tier: tier)
        if once {
            try await measureOnce(view)
            return
        }
        guard Terminal.isInteractive else {
            Output.error("top needs a terminal; use --once (with --json) in scripts")
            throw ExitCode(64)
        }
        try await TopSession(client: tierctl.client, interval: interval).run(&view)
    }

    /// Two samples at least `interval` apart (a newer one than the first: the daemon may
    /// serve a cached sample), then one table or JSON document.
    private func measureOnce(_ view: TopView) async throws {
        let first = try await Self.sample(tierctl.client)
        var second = first
        let deadline = ContinuousClock.now + .seconds(interval * 10 + 10)
        try await Task.sleep(for: .seconds(interval))
        while second.takenAt - first.takenAt < interval * 0.5 && ContinuousClock.now < deadline {
            second = try await Self.sample(tierctl.client)
            if second.takenAt == first.takenAt { try await Task.sleep(for: .milliseconds(200)) }
        }
        let rows = view.arrange(TopRates.rows(previous: first, current: second))
        if json {
            Output.line(try ControlWire.encodeLine(TopJSON(interval: second.takenAt - first.takenAt, rows: rows)))
        } else {
            Output.text(view.table(rows).joined(separator: "\n") + "\n")
        }
    }

    /// One `counters` reply, or the command ends as every tierctl command does on an error.
    static func sample(_ client: ControlClient) async throws -> CounterSample {
        let reply = try await DaemonCall.reply(to: .counters, with: client)
        guard case .counters(let sample) = reply else { throw DaemonCall.unexpected(reply, for: .counters) }
        return sample
    }
}

extension TopView.Sort: ExpressibleByArgument {}

/// `tierctl top --once --json`: `{"interval":2.0,"users":[{"user":"alice","tier":"reduced",
/// "download":1200000,"upload":null,"drops":0}]}` (bit/s; null: no class in that direction).
struct TopJSON: Encodable {
    struct User: Encodable {
        var user: String
        var tier: String
        var download: UInt64?
        var upload: UInt64?
        var drops: UInt64

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user, forKey: .user)
            try container.encode(tier, forKey: .tier)
            try container.encode(download, forKey: .download)  // null, not absent
            try container.encode(upload, forKey: .upload)
            try container.encode(drops, forKey: .drops)
        }

        enum CodingKeys: String, CodingKey { case user, tier, download, upload, drops }
    }

    var interval: Double
    var users: [User]

    init(interval: Double, rows: [TopRow]) {
        self.interval = interval
        users = rows.map {
            User(user: $0.user, tier: $0.tier, download: $0.download.map { UInt64($0.rounded()) },
                 upload: $0.upload.map { UInt64($0.rounded()) }, drops: $0.drops)
        }
    }
}
