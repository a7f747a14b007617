import Control
import Feed
import FeedParsing
import Logging
import Scoring
import TrafficControl

/// The heart of tierd: owns the scoring engine, the users, the enforcer and the persisted
/// state, and serialises every change to them. Feed sources, the control server and the
/// timers are separate services that call into it.
public actor Daemon {
    public let logger: Logger
    let clock: @Sendable () -> Double
    let store: StateStore
    let audit: AuditLog
    let enforcer: Enforcer
    let journal: EventJournal
    /// Reads the class statistics for `counters` on a socket of its own, off this actor.
    let counterReader: ClassCounterReader
    public let metrics = DaemonMetrics()

    public internal(set) var configuration: DaemonConfiguration
    var users: [UserRecord]
    var usersByID: [String: UserRecord]
    var engine: ScoringEngine
    var feedPosition: FeedFilePosition?
    /// Who may ask what over the control socket; read without awaiting this actor (the
    /// control server consults it on every accepted connection).
    public let controlAccess: CurrentAuthorizer
    /// Non-nil while `start` scores the journal and the feed backlog: tier changes are then
    /// counted here (by "from -> to") and logged one by one only at debug level, and `start`
    /// logs one notice with the counts instead of one line per user (10,000 lines, and a
    /// good part of a cold start's time, for a 10k-user backlog). `audit.jsonl` still gets
    /// every change with its reason.
    var backlogChanges: [String: Int]?
    /// The control server's counters, once `ControlService` has started it (for metrics).
    var controlStatistics: (@Sendable () -> ControlServerStatistics)?
    var feedStats = FeedStatistics()
    var feedFileHealth = FeedFileHealth()
    /// Set when scores or positions changed since the last snapshot.
    var snapshotDue = false
    var lastSnapshotAt: Double
    /// A failed snapshot is retried from this instant on (once a second, not every tick).
    var nextSnapshotAttempt: Double = 0
    /// When the tick next checks that state_dir is still there and retries a failing audit log.
    var nextPersistenceCheck: Double = 0
    var persistence = PersistenceHealth()
    public let startedAt: Double
    /// Where the classifier is pinned so that a restart adopts it without CAP_SYS_ADMIN. The
    /// systemd unit binds /sys/fs/bpf/tierd here (BindPaths=): the daemon's user cannot walk
    /// through /sys/fs/bpf itself (mode 0700). Not a bpffs (tierd run by hand, or tests):
    /// no pins, and adoption by id, which root can.
    static let bpfPinDirectory = "/run/tierd/bpf"

    /// Loads persisted state and opens netlink; does not touch the kernel yet (see `start`).
    public init(
        configuration: DaemonConfiguration, users: [UserRecord], logger: Logger,
        clock: @escaping @Sendable () -> Double = Timestamps.now
    ) throws {
        self.logger = logger
        self.clock = clock
        self.configuration = configuration
        self.users = users
        self.usersByID = Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.controlAccess = CurrentAuthorizer(Self.makeAuthorizer(users: users, configuration: configuration))
        let now = clock()
        startedAt = now
        lastSnapshotAt = now
        let store = try StateStore(directory: configuration.daemon.stateDir)
        let snapshot = try store.load()
        let policy = try PolicyMapping.scoringPolicy(configuration)
        let ids = users.map(\.id)
        // Every stored property is set from locals, before `self` is used for anything else:
        // a nonisolated actor initializer may not touch non-Sendable state afterwards.
        self.store = store
        audit = AuditLog(directory: store.directory)
        journal = EventJournal(directory: store.directory, mark: snapshot?.journal ?? JournalMark())
        let network = configuration.network
        let shaping = network.interfaces.map {
            ShaperConfiguration(interface: $0.name, ifb: $0.ifb, namespace: network.namespace,
                                takeover: network.takeover, spareClasses: network.spareClasses, pinDirectory: Self.bpfPinDirectory)
        }
        let enforcer = try Enforcer(configurations: shaping, logger: logger)
        enforcer.place(Self.interfaces(of: users, network: network))
        self.enforcer = enforcer
        counterReader = try ClassCounterReader(shaping)
        if let snapshot {
            engine = ScoringEngine(policy: policy, users: ids, snapshot: snapshot.scoring, now: now)
            feedPosition = snapshot.feedFilePath == configuration.feed.file ? snapshot.feedFilePosition : nil
            logger.info("state restored", metadata: ["snapshot": "\(store.snapshotPath)", "written": "\(Timestamps.rfc3339(snapshot.writtenAt))"])
        } else {
            engine = ScoringEngine(policy: policy, users: ids, now: now)
        }
    }

    /// Creates or adopts the kernel trees and makes them match what the durable state and
    /// the feed say, in ONE converge. The journal's unapplied socket events and the feed
    /// file's backlog (what was written while tierd was down, or before its first start) are
    /// scored first, so a cold start from a feed naming 10,000 throttled users builds the
    /// whole tree in one pass, close to `tc -batch` of the same tree, instead of converging
    /// an empty tree, announcing READY, and then creating classes user by user.
    ///
    /// Returns once the kernel matches (or the errors are recorded). `feedBacklog` is left
    /// at the end of the backlog, for the feed file service to follow from there.
    public func start(feedBacklog follower: FeedFileFollower? = nil) throws {
        metrics.feedFileUp.set(Double(1))  // until the follower reports a failure
        try enforcer.prepare()
        backlogChanges = [:]
        let replay = try journal.unappliedEvents(parser: FeedLineParser(maxLineLength: 1 << 16))
        if !replay.isEmpty {
            score(replay, source: .journal)
            logger.info("journal replayed", metadata: ["events": "\(replay.count)"])
        }
        if let follower { readBacklog(follower) }
        if let counts = backlogChanges, !counts.isEmpty {
            let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            logger.notice("tier changes from the journal and feed backlog", metadata: ["changes": "\(summary)", "audit": "\(audit.path)"])
        }
        backlogChanges = nil
        let changes = engine.advance(to: clock())
        writeAudit { log throws(PersistenceError) in try log.flush() }
        record(changes)
        enforce()
        logger.info("enforcing", metadata: ["summary": "\(summaryLine())"])
    }

    /// Where the file feed should resume.
    public func feedResumePosition() -> FeedFilePosition? { feedPosition }

    // MARK: Feed

    /// Applies one batch of feed events, records their tier changes, and makes the kernel
    /// follow. The batch's end position is remembered with the scores it produced.
    public func ingest(_ batch: FeedBatch, source: FeedSourceKind) {
        enforce(changed: take(batch, source: source))
    }

    /// Scores every line the feed file holds now, without touching the kernel. A file that
    /// cannot be read is logged and left to the feed file service, which meets the same
    /// error and reports it as before.
    private func readBacklog(_ follower: FeedFileFollower) {
        var events = 0
        do {
            while let batch = try follower.readAvailable() {
                events += batch.events.count
                take(batch, source: .file)
            }
        } catch {
            logger.error("could not read the feed file backlog", metadata: ["path": "\(follower.path)", "error": "\(error)"])
        }
        if events > 0 { logger.info("feed backlog read", metadata: ["events": "\(events)"]) }
    }

    /// Counts a batch's rejected lines, remembers where it ends and scores its events
    /// (`score`); the kernel is not touched.
    @discardableResult
    func take(_ batch: FeedBatch, source: FeedSourceKind) -> [TierChange] {
        feedStats.record(rejections: batch.rejections, source: source, logger: logger, now: clock())
        for (reason, count) in Dictionary(grouping: batch.rejections, by: \.reason).mapValues(\.count) {
            metrics.feedRejected(reason: reason.rawValue, by: count)
        }
        if source == .file { feedPosition = batch.position }
        return score(batch.events, source: source, lines: batch.eventLines)
    }

    /// The file feed's follower could not read its file (`error`), or can again (nil).
    /// Nothing else changes: scores, tiers and the kernel stay as they are.
    public func feedFileChanged(_ error: FeedFileError?) {
        let before = feedFileHealth.failures
        feedFileHealth.update(error, path: configuration.feed.file ?? "", logger: logger, now: clock())
        metrics.feedFileFailures.increment(by: Int64(feedFileHealth.failures - before))
        metrics.feedFileUp.set(Double(feedFileHealth.failure == nil ? 1 : 0))
    }

    /// Counts lines a source rejected outside a `FeedBatch` (the feed socket rejects them per
    /// connection and only ever hands over events), so `health` and the metrics count bad
    /// socket input as they count bad file input. `counts` covers every rejected line;
    /// `examples` are the itemized ones (capped by the source), which are also logged.
    public func recordRejections(_ counts: [FeedRejectionReason: Int], examples: [FeedLineRejection], source: FeedSourceKind) {
        feedStats.record(rejections: examples, source: source, logger: logger, now: clock())
        for (reason, count) in counts {
            let itemized = examples.reduce(0) { $0 + ($1.reason == reason ? 1 : 0) }
            if count > itemized { feedStats.rejected[reason, default: 0] += count - itemized }
            metrics.feedRejected(reason: reason.rawValue, by: count)
        }
    }

    /// Applies events to the scores, records tier changes and makes the kernel follow.
    /// `lines` (one per event, when known) name the lines of refused events in the log.
    func apply(_ events: [ScoreEvent], source: FeedSourceKind, lines: [Int] = []) {
        enforce(changed: score(events, source: source, lines: lines))
    }

    /// Applies events to the scores and records the tier changes (log, audit, counters);
    /// the kernel is not touched, so start-up can score everything before one converge.
    /// `lines` (one per event, when known) name the lines of refused events in the log.
    @discardableResult
    func score(_ events: [ScoreEvent], source: FeedSourceKind, lines: [Int] = []) -> [TierChange] {
        let now = clock()
        var changes: [TierChange] = []
        var refused: [FeedLineRejection] = []
        // One batched call: the engine overlaps its id lookups across the batch.
        let outcomes = engine.apply(contentsOf: events, now: now)
        for (index, (event, outcome)) in zip(events, outcomes).enumerated() {
            switch outcome {
            case .applied(let change):
                feedStats.applied += 1
                metrics.feedAccepted.increment()
                if let change { changes.append(change) }
            case .ignoredOutOfOrder:
                feedStats.outOfOrder += 1
                metrics.feedOutOfOrder.increment()
            case .futureTimestamp:
                refused.append(FeedLineRejection(line: lines.indices.contains(index) ? lines[index] : 0, reason: .futureTimestamp))
            case .unknownUser:
                feedStats.unknownUsers += 1
                metrics.feedUnknownUsers.increment()
            case .rejected(let reason):
                // Parsed but refused by the scoring core (a delta that overflows; the parser
                // already refuses non-finite values): the score stays as it was. Logged only,
                // as before: `health` and the metrics count rejected lines.
                logger.debug("event rejected by the scoring core", metadata: ["user": "\(event.user)", "reason": "\(reason)"])
            }
        }
        if !refused.isEmpty {
            feedStats.record(rejections: refused, source: source, logger: logger, now: now)
            metrics.feedRejected(reason: FeedRejectionReason.futureTimestamp.rawValue, by: refused.count)
        }
        snapshotDue = true
        record(changes)
        return changes
    }

    /// Makes socket-feed events durable (journal append + fsync), then applies them.
    /// The feed socket replies "accepted" only after this returns; when it throws, none of
    /// the events was applied.
    ///
    /// Events stamped too far in the future are refused first, with the rule the scoring
    /// core applies (`ScoringPolicy.acceptsTimestamp`), so they are neither journaled nor
    /// acknowledged: the producer sees them in its reply's errors, and the feed socket
    /// reports them to `recordRejections` like any rejected line (counted once, there).
    public func acceptDurably(_ events: [ScoreEvent]) throws(PersistenceError) -> [FeedEventRefusal] {
        let now = clock()
        var refusals: [FeedEventRefusal] = []
        var accepted: [ScoreEvent] = []
        accepted.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            if engine.policy.acceptsTimestamp(event.timestamp, now: now) {
                accepted.append(event)
            } else {
                refusals.append(FeedEventRefusal(index: index, reason: .futureTimestamp))
            }
        }
        guard !accepted.isEmpty else { return refusals }
        let stamped = stampedForJournal(accepted, now: now)
        do {
            // A recreated state_dir has no snapshot yet: the journal alone would not restore.
            if try revalidateStateDirectory() { try saveSnapshot(now: now) }
            try journal.append(stamped, arrival: now)
        } catch {
            snapshotDue = true
            persistenceFailed(.state, error)
            throw error
        }
        apply(stamped, source: .socket)
        return refusals
    }

    /// Gives each untimed event the time the scoring core applies it at: now, or the user's
    /// last event time if that is later (`ScoringEngine.apply`), so a replay from the journal
    /// has the same timing. Plain `now` is not that: behind an event a producer stamped in
    /// the future, it made an untimed event "out of order", acknowledged and then dropped.
    func stampedForJournal(_ events: [ScoreEvent], now: Double) -> [ScoreEvent] {
        var lastEventAt: [String: Double] = [:]
        return events.map { event in
            var event = event
            let last = lastEventAt[event.user] ?? engine.status(of: event.user, now: now)?.scoreAt
            if let timestamp = event.timestamp {
                // The engine ignores an older one; a newer one becomes the user's last time.
                if last.map({ timestamp >= $0 }) ?? true { lastEventAt[event.user] = timestamp }
            } else {
                let at = max(now, last ?? now)
                event.timestamp = at
                lastEventAt[event.user] = at
            }
            return event
        }
    }

    // MARK: Time

    /// Called often (a few times per second): applies changes that time alone made due,
    /// writes the snapshot when it is due, and runs the periodic reconcile. Cost is O(1)
    /// when nothing is due: the engine keeps its next due instant.
    public func tick() {
        let now = clock()
        if let due = engine.nextDue, due <= now {
            let changes = engine.advance(to: now)
            snapshotDue = snapshotDue || !changes.isEmpty
            record(changes)
            enforce(changed: changes)
        }
        if enforcer.needsSpares {
            // The users who took ready classes are shaped by now: replace those for the next
            // ones (before the reconcile, which would otherwise count them as a repair).
            let started = ContinuousClock.now
            account(enforcer.replenishSpares(now: now), started: started, repairing: false)
        }
        if !enforcer.inSync || now - (enforcer.lastFullConvergeAt ?? 0) >= configuration.daemon.reconcileInterval {
            enforce(repairing: true)
        }
        if now >= nextPersistenceCheck {
            nextPersistenceCheck = now + 1
            checkPersistence()
        }
        if snapshotDue && now - lastSnapshotAt >= 1 && now >= nextSnapshotAttempt { persist() }
    }

    /// Writes the snapshot now (called on shutdown and by `tick`); a failure is recorded
    /// (health, metrics, rate-limited log) and retried by the tick.
    public func persist() {
        try? writeSnapshot()
    }

    /// Writes the snapshot: the one path by which scores, overrides and the feed position
    /// become durable. Throws (after recording the failure) when they did not.
    func writeSnapshot() throws(PersistenceError) {
        let now = clock()
        do {
            _ = try revalidateStateDirectory()
            try saveSnapshot(now: now)
        } catch {
            snapshotDue = true
            nextSnapshotAttempt = now + 1
            persistenceFailed(.state, error)
            throw error
        }
    }

    /// Folds the journal into a new snapshot and writes it; on success the state is durable
    /// and a failing `health` clears.
    private func saveSnapshot(now: Double) throws(PersistenceError) {
        let covered = journal.mark.lines > 0 ? journal.rotate() : journal.mark
        let snapshot = StateSnapshot(
            writtenAt: now, scoring: engine.snapshot(), feedFilePath: configuration.feed.file,
            feedFilePosition: feedPosition, journal: covered)
        try store.save(snapshot)
        journal.discard(before: covered.generation)
        snapshotDue = false
        lastSnapshotAt = now
        persistence.succeeded(.state, now: now, logger: logger)
    }

    /// Makes sure state_dir is still the directory tierd writes to. When it was removed, it
    /// is recreated (returns true): every file tierd had there is gone, so the journal goes
    /// on in a new file, the audit log is reopened, and the caller writes a snapshot.
    func revalidateStateDirectory() throws(PersistenceError) -> Bool {
        guard try store.directory.revalidate() else { return false }
        logger.warning("state directory was removed; recreated it", metadata: ["path": "\(store.directory.path)"])
        journal.abandonFile()
        audit.reopen()
        snapshotDue = true
        return true
    }

    /// The tick's once-a-second look at persistence: notices a removed state_dir while
    /// nothing is being written, and retries a failing audit log (which clears `health`
    /// once the operator fixed the cause).
    func checkPersistence() {
        do {
            _ = try revalidateStateDirectory()
        } catch {
            snapshotDue = true
            persistenceFailed(.state, error)
        }
        if persistence.failures[.audit] != nil || audit.hasPending {
            writeAudit { log throws(PersistenceError) in try log.flush() }
        }
    }

    /// Runs one audit write and accounts for it: a failure degrades health; a success
    /// clears that and says how many lines were lost while the log was unwritable (beyond
    /// what `AuditLog` keeps waiting in memory).
    func writeAudit(_ write: (AuditLog) throws(PersistenceError) -> Void) {
        do {
            try write(audit)
        } catch {
            persistenceFailed(.audit, error)
            return
        }
        let dropped = audit.takeDropped()
        if dropped > 0 {
            logger.warning("audit lines lost while the audit log could not be written", metadata: ["lines": "\(dropped)", "path": "\(audit.path)"])
        }
        persistence.succeeded(.audit, now: clock(), logger: logger)
    }

    func persistenceFailed(_ kind: PersistenceHealth.Kind, _ error: PersistenceError) {
        metrics.persistenceFailed(kind: kind.rawValue)
        persistence.failed(kind, error, now: clock(), logger: logger)
    }

    // MARK: Enforcement

    /// Every user whose tier throttles, shaped at that tier's rates.
    func desiredShaping() -> [ShapedUser] {
        users.compactMap { user in engine.tier(of: user.id).flatMap { PolicyMapping.shaping(of: user, in: $0) } }
    }

    /// One convergence pass. With `repairing`, nothing in tierd's state changed since the
    /// last pass, so whatever the pass had to do was drift (someone else changed the
    /// kernel, or an earlier pass failed): it is counted and logged as a repair.
    @discardableResult
    func enforce(repairing: Bool = false) -> ConvergeReport? {
        let started = ContinuousClock.now
        let report = enforcer.converge(to: desiredShaping(), now: clock())
        account(report, started: started, repairing: repairing)
        return report
    }

    /// Makes the kernel follow tier changes by touching only the users they concern (the
    /// enforcer's incremental path: no kernel dump, O(changed users)); the full converge
    /// stays for start-up, reload and the periodic or drift-triggered reconcile. The changes
    /// carry the tiers: a user's last change says where it is now.
    func enforce(changed changes: [TierChange]) {
        guard !changes.isEmpty else { return }
        var latest: [String: TierChange] = [:]
        for change in changes { latest[change.user] = change }
        var shaped: [ShapedUser] = []
        var removing: [String] = []
        for (id, change) in latest {
            let user = usersByID[id].flatMap { user in change.to.flatMap { PolicyMapping.shaping(of: user, in: $0) } }
            if let user { shaped.append(user) } else { removing.append(id) }
        }
        let started = ContinuousClock.now
        // Without a trustworthy model (no converge yet, errors pending) the whole desired
        // state is needed: the daemon, which owns it, converges; the enforcer never asks back.
        let report = enforcer.canApply ? enforcer.apply(shaped, removing: removing, now: clock()) : nil
        account(report ?? enforcer.converge(to: desiredShaping(), now: clock()), started: started, repairing: false)
    }

    /// A batch of kernel notifications from the drift monitor: when one concerns tierd's
    /// devices (and, being reported at all, was not tierd's own doing), reconcile now
    /// instead of at the next `reconcile_interval`.
    public func kernelChanged(_ events: [TCEvent]) {
        let foreign = events.filter { enforcer.concerns($0) }
        guard !foreign.isEmpty else { return }
        logger.warning(
            "foreign traffic control change",
            metadata: ["count": "\(foreign.count)", "changes": "\(foreign.prefix(5).map(\.description).joined(separator: "; "))"])
        enforce(repairing: true)
    }

    /// Netlink ports of the enforcer's sockets: the drift monitor ignores changes made through them.
    public func enforcerNetlinkPorts() -> Set<UInt32> { enforcer.netlinkPorts }

    /// user id -> the interface the user is shaped on, for `Enforcer.place`.
    static func interfaces(of users: [UserRecord], network: NetworkSection) -> [String: String] {
        Dictionary(users.map { ($0.id, network.interface(of: $0)) }, uniquingKeysWith: { first, _ in first })
    }

    private func account(_ report: ConvergeReport?, started: ContinuousClock.Instant, repairing: Bool) {
        metrics.applyDuration.record(started.duration(to: .now))
        metrics.kernelInSync.set(Double(enforcer.inSync ? 1 : 0))
        if let report {
            metrics.netlinkCreated.increment(by: Int64(report.created))
            metrics.netlinkChanged.increment(by: Int64(report.classesChanged))
            metrics.netlinkDeleted.increment(by: Int64(report.deleted))
            metrics.netlinkErrors.increment(by: Int64(report.errors.count))
            let repaired = report.created + report.classesChanged + report.deleted
            if repairing && repaired > 0 {
                metrics.reconcileRepairs.increment(by: Int64(repaired))
                logger.warning(
                    "kernel drift repaired",
                    metadata: ["created": "\(report.created)", "changed": "\(report.classesChanged)", "deleted": "\(report.deleted)"])
            }
        }
    }

    func record(_ changes: [TierChange]) {
        guard !changes.isEmpty else { return }
        metrics.tierChanges.increment(by: Int64(changes.count))
        for change in changes {
            let level: Logger.Level
            if backlogChanges != nil {
                backlogChanges?["\(change.fromName) -> \(change.toName)", default: 0] += 1
                level = .debug
            } else {
                level = .notice
            }
            logger.log(
                level: level, "tier change",
                metadata: [
                    "user": "\(change.user)", "from": "\(change.fromName)", "to": "\(change.toName)",
                    "rule": "\(change.rule.rawValue)", "score": "\(change.score.map { "\(Timestamps.rounded($0))" } ?? "none")",
                ])
        }
        writeAudit { log throws(PersistenceError) in try log.record(changes) }
    }

    /// One line for systemd's STATUS= and the start-up log.
    public func summaryLine() -> String {
        let population = engine.tierPopulation
        let tiers = engine.policy.tiers.map { "\($0.name)=\(population[$0.name] ?? 0)" }.joined(separator: " ")
        let sync = enforcer.inSync ? "in sync" : "\(enforcer.pendingErrors.count) kernel errors"
        return "\(users.count) users: \(tiers); kernel \(sync)"
    }
}

/// Which feed a batch came from (for counters and logs).
public enum FeedSourceKind: String, Sendable {
    case file, socket, journal
}
