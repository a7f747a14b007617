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
                ExplanationJSON.render(explanation, floor: configuration.network.floor, addresses: record.addresses.map(\.description)))
        case .override:
            return setOverride(request, now: now)
        case .clear:
            let user = request.user ?? ""
            guard usersByID[user] != nil else { return unknownUser(user) }
            let change = engine.clearOverride(user: user, now: now)
            afterManualChange(change)
            return userStatus(user, now: now).map(ControlReply.status) ?? .done
        case .reload:
            switch reload(notifier: notifier) {
            case .applied: return .done
            case .refused(let errors):
                return .error(.configError, "configuration refused; still running the previous one", details: errors.map(\.description))
            }
        case .metrics:
            return .metrics(renderMetrics())
        case .health:
            return .health(healthReport())
        }
    }

    private func setOverride(_ request: ControlRequest, now: Double) -> ControlReply {
        let user = request.user ?? ""
        let tier = request.tier ?? ""
        guard usersByID[user] != nil else { return unknownUser(user) }
        guard tiersByName[tier] != nil else {
            return .error(.unknownTier, "no tier \"\(tier)\"; tiers: \(configuration.tiers.map(\.name).joined(separator: ", "))")
        }
        var until: Double?
        if let text = request.duration {
            guard let seconds = DurationParser.parse(text), seconds > 0 else {
                return .error(.badRequest, "bad duration \"\(text)\" (use e.g. 90s, 15m, 2h, 1d)")
            }
            until = now + seconds
        }
        do {
            let change = try engine.setOverride(user: user, tier: tier, until: until, reason: request.reason, now: now)
            afterManualChange(change)
        } catch {
            return .error(.badRequest, "\(error)")
        }
        return userStatus(user, now: now).map(ControlReply.status) ?? .done
    }

    private func afterManualChange(_ change: TierChange?) {
        snapshotDue = true
        if let change {
            record([change])
            enforce(changed: [change])
        }
        persist()
    }

    private func unknownUser(_ user: String) -> ControlReply {
        .error(.unknownUser, "no user \"\(user)\" in \(configuration.network.usersFile)")
    }

    func userStatus(_ id: String, now: Double) -> UserStatus? {
        guard let record = usersByID[id], let status = engine.status(of: id, now: now) else { return nil }
        let tier = tiersByName[status.tier]
        let floor = configuration.network.floor
        return UserStatus(
            user: id, tier: status.tier, score: Timestamps.rounded(status.score ?? configuration.scoring.baseline),
            since: Date(timeIntervalSince1970: status.since),
            download: PolicyMapping.enforcedRate(tier?.download, floor: floor),
            upload: PolicyMapping.enforcedRate(tier?.upload, floor: floor),
            override: status.override.map {
                OverrideStatus(tier: $0.tier, until: $0.until.map { Date(timeIntervalSince1970: $0) }, reason: $0.reason)
            },
            addresses: record.addresses.map(\.description), rule: status.rule.rawValue)
    }

    func healthReport() -> HealthReport {
        var throttled = 0
        for user in users {
            if let name = engine.tier(of: user.id), let tier = tiersByName[name], tier.download != nil || tier.upload != nil {
                throttled += 1
            }
        }
        let inSync = enforcer.inSync
        var feed: [String: JSONValue] = [
            "applied": .integer(Int64(feedStats.applied)),
            "rejected": .integer(Int64(feedStats.rejectedTotal)),
            "unknown_users": .integer(Int64(feedStats.unknownUsers)),
            "out_of_order": .integer(Int64(feedStats.outOfOrder)),
        ]
        if let last = feedStats.lastRejection { feed["last_rejection"] = .string(last) }
        if let file = configuration.feed.file { feed["file"] = .string(file) }
        if let position = feedPosition { feed["file_offset"] = .integer(Int64(position.offset)) }
        return HealthReport(
            status: inSync ? .ok : .degraded, kernelInSync: inSync, users: users.count, throttled: throttled,
            lastApply: enforcer.lastApplyAt.map { Date(timeIntervalSince1970: $0) },
            errors: enforcer.pendingErrors.prefix(50).map { "\($0)" }, feed: .object(feed))
    }

    func renderMetrics() -> String {
        var perTier: [String: Int] = [:]
        for tier in configuration.tiers { perTier[tier.name] = 0 }
        for user in users { perTier[engine.tier(of: user.id) ?? "", default: 0] += 1 }
        struct Key: Hashable { let tier: String; let direction: String }
        var sums: [Key: (bytes: UInt64, drops: UInt64)] = [:]
        for (user, counters) in enforcer.counters() {
            let tier = engine.tier(of: user) ?? "unknown"
            for (direction, value) in [("download", counters.download), ("upload", counters.upload)] {
                guard let value else { continue }
                let old = sums[Key(tier: tier, direction: direction)] ?? (0, 0)
                sums[Key(tier: tier, direction: direction)] = (old.bytes + value.bytes, old.drops + value.drops)
            }
        }
        let traffic = sums.map { TierTraffic(tier: $0.key.tier, direction: $0.key.direction, bytes: $0.value.bytes, drops: $0.value.drops) }
        metrics.setTierGauges(usersPerTier: perTier.filter { !$0.key.isEmpty }, traffic: traffic)
        return metrics.render()
    }

    /// Who may ask what: built once per configuration (start and reload), not per request,
    /// since it walks every user and resolves the admin group through NSS.
    public func authorizer() -> ControlAuthorizer { controlAuthorizer }

    /// Users whose `unix_user` is a local account, by uid: who may read whose status.
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
