import Control
import Foundation
import Scoring

/// Answers control requests. Authorization happens before this (see `DaemonSockets`),
/// so every method here may assume the peer is allowed to ask.
extension Daemon {
    public func handle(_ request: ControlRequest, notifier: SystemdNotifier) -> ControlReply {
        let now = clock()
        switch request.command {
        case .status:
            if let user = request.user {
                guard let status = userStatus(user, now: now) else { return unknownUser(user) }
                return .status(status)
            }
            return .users(users.compactMap { userStatus($0.id, now: now) })
        case .explain:
            let user = request.user ?? ""
            guard let record = usersByID[user], let explanation = engine.explain(user, now: now) else { return unknownUser(user) }
            return .explanation(
                ExplanationJSON.render(explanation, addresses: record.addresses.map(\.description),
                                       interface: configuration.network.interface(of: record)))
        case .override:
            return setOverride(request, now: now)
        case .clear:
            let user = request.user ?? ""
            guard usersByID[user] != nil else { return unknownUser(user) }
            return changeDurably(user, now: now) { engine in engine.clearOverride(user: user, now: now) }
        case .reload:
            switch reload(notifier: notifier) {
            case .applied(let report): return .reloaded(report)
            case .refused(let errors):
                return .error(.configError, "configuration refused; still running the previous one", details: errors.map(\.description))
            case .notSaved(let error):
                return .error(.persistence, "reload not applied, still running the previous configuration: could not save the state: \(error)")
            }
        case .metrics:
            return .metrics(renderMetrics())
        case .health:
            return .health(healthReport())
        case .plan:
            guard let input = request.plan else { return .error(.badRequest, "plan needs \"plan\"") }
            return plan(input)
        case .counters:
            // `DaemonSockets` hands `counters` to its `CounterSampler`, which dumps off this actor.
            return .error(.internal, "counters are answered by the control service's sampler")
        }
    }

    private func setOverride(_ request: ControlRequest, now: Double) -> ControlReply {
        let user = request.user ?? ""
        let tier = request.tier ?? ""
        guard usersByID[user] != nil else { return unknownUser(user) }
        guard engine.policy.tiers[named: tier] != nil else {
            return .error(.unknownTier, "no tier \"\(tier)\"; tiers: \(engine.policy.tiers.map(\.name).joined(separator: ", "))")
        }
        var until: Double?
        if let text = request.duration {
            guard let seconds = DurationParser.parse(text), seconds > 0 else {
                return .error(.badRequest, "bad duration \"\(text)\" (use e.g. 90s, 15m, 2h, 1d)")
            }
            until = now + seconds
        }
        return changeDurably(user, now: now) { engine in
            try engine.setOverride(user: user, tier: tier, until: until, reason: request.reason, now: now)
        }
    }

    /// An operator's change (override, clear) is acknowledged only once it is on disk: the
    /// change is made, the snapshot written, and only then audited and enforced. When the
    /// snapshot cannot be written the change is undone, so memory and disk agree, and the
    /// reply is a `persistence` error naming the file and the reason.
    private func changeDurably(
        _ user: String, now: Double, _ change: (inout ScoringEngine) throws -> TierChange?
    ) -> ControlReply {
        let before = engine
        let tierChange: TierChange?
        do {
            tierChange = try change(&engine)
        } catch {
            engine = before
            return .error(.badRequest, "\(error)")
        }
        do {
            try writeSnapshot()
        } catch {
            engine = before
            return .error(.persistence, "not changed: could not save the state: \(error)")
        }
        if let tierChange {
            record([tierChange])
            enforce(changed: [tierChange])
        }
        return userStatus(user, now: now).map(ControlReply.status) ?? .done
    }

    private func unknownUser(_ user: String) -> ControlReply {
        .error(.unknownUser, "no user \"\(user)\" in \(configuration.network.usersFile)")
    }

    func userStatus(_ id: String, now: Double) -> UserStatus? {
        guard let record = usersByID[id], let status = engine.status(of: id, now: now) else { return nil }
        return UserStatus(
            user: id, tier: status.tier.name, score: Timestamps.rounded(status.score ?? configuration.scoring.baseline),
            since: Date(timeIntervalSince1970: status.since),
            download: status.tier.download, upload: status.tier.upload,
            override: status.override.map {
                OverrideStatus(tier: $0.tier, until: $0.until.map { Date(timeIntervalSince1970: $0) }, reason: $0.reason)
            },
            addresses: record.addresses.map(\.description), rule: status.rule.rawValue,
            interface: configuration.network.interface(of: record))
    }

    /// Users whose tier limits at least one direction (health's `throttled`, and a metric).
    var throttledUserCount: Int {
        users.count { engine.tier(of: $0.id)?.throttles == true }
    }

    func healthReport() -> HealthReport {
        let interfaces = interfaceHealth()
        let throttled = throttledUserCount
        let inSync = enforcer.inSync
        var feed: [String: JSONValue] = [
            "applied": .integer(Int64(feedStats.applied)),
            "rejected": .integer(Int64(feedStats.rejectedTotal)),
            "unknown_users": .integer(Int64(feedStats.unknownUsers)),
            "out_of_order": .integer(Int64(feedStats.outOfOrder)),
        ]
        if let last = feedStats.lastRejection { feed["last_rejection"] = .string(last) }
        var errors = enforcer.pendingErrors.prefix(50).map { "\($0)" }
        if let file = configuration.feed.file {
            feed["file"] = .string(file)
            feed["file_status"] = .string(feedFileHealth.failure == nil ? "following" : "failed")
            if let failure = feedFileHealth.failure {
                feed["file_error"] = .string(failure)
                errors.insert("feed file \(file): \(failure)", at: 0)
            }
            if let since = feedFileHealth.failedSince { feed["file_failed_since"] = .string(Timestamps.rfc3339(since)) }
        }
        if let position = feedPosition { feed["file_offset"] = .integer(Int64(position.offset)) }
        if let socket = configuration.feed.socket { feed["socket"] = .string(socket) }
        let healthy = inSync && feedFileHealth.failure == nil && persistence.isHealthy
        return HealthReport(
            status: healthy ? .ok : .degraded, kernelInSync: inSync, users: users.count, throttled: throttled,
            lastApply: enforcer.lastApplyAt.map { Date(timeIntervalSince1970: $0) },
            errors: persistence.problems(describingTime: Timestamps.rfc3339) + errors, feed: .object(feed),
            interfaces: interfaces)
    }

    /// Users, throttled users and kernel state per subscriber-facing interface, for health
    /// and the metrics.
    func interfaceHealth() -> [InterfaceHealth] {
        var counts: [String: (users: Int, throttled: Int)] = [:]
        for user in users {
            let interface = configuration.network.interface(of: user)
            counts[interface, default: (0, 0)].users += 1
            if engine.tier(of: user.id)?.throttles == true {
                counts[interface, default: (0, 0)].throttled += 1
            }
        }
        return enforcer.interfaceStates.map { state in
            InterfaceHealth(name: state.interface, ifb: state.ifb, users: counts[state.interface]?.users ?? 0,
                            throttled: counts[state.interface]?.throttled ?? 0,
                            kernelInSync: enforcer.lastReport != nil && state.pendingErrors == 0)
        }
    }

    func renderMetrics() -> String {
        struct Key: Hashable { let tier: String; let direction: String }
        var sums: [Key: (bytes: UInt64, drops: UInt64)] = [:]
        for (user, counters) in enforcer.counters() {
            let tier = engine.tier(of: user)?.name ?? "unknown"
            for (direction, value) in [("download", counters.download), ("upload", counters.upload)] {
                guard let value else { continue }
                let old = sums[Key(tier: tier, direction: direction)] ?? (0, 0)
                sums[Key(tier: tier, direction: direction)] = (old.bytes + value.bytes, old.drops + value.drops)
            }
        }
        let traffic = sums.map { TierTraffic(tier: $0.key.tier, direction: $0.key.direction, bytes: $0.value.bytes, drops: $0.value.drops) }
        metrics.setTierGauges(usersPerTier: engine.tierPopulation, throttled: throttledUserCount, traffic: traffic)
        metrics.setInterfaceGauges(interfaceHealth())
        if let statistics = controlStatistics?() { metrics.setControlStatistics(statistics) }
        return metrics.render()
    }

    /// Lets `metrics` report the control server's counters (connections, refusals).
    public func observeControlServer(_ statistics: @escaping @Sendable () -> ControlServerStatistics) {
        controlStatistics = statistics
    }

    /// Who may ask what: built once per configuration (start and reload), not per request,
    /// since it walks every user and resolves the admin group through NSS. Users whose
    /// `unix_user` is a local account, by uid: who may read whose status.
    static func makeAuthorizer(users: [UserRecord], configuration: DaemonConfiguration) -> ControlAuthorizer {
        var byUID: [uid_t: Set<String>] = [:]
        for user in users {
            if let uid = user.uid { byUID[uid, default: []].insert(user.id) }
        }
        return ControlAuthorizer(
            adminGroupID: configuration.daemon.adminGroup.flatMap(ControlAuthorizer.groupID(named:)),
            usersByUID: byUID)
    }
}
