import Logging

/// Whether what tierd must keep is reaching the disk, for `health`, the metrics and the log.
///
/// A failing write is retried (the snapshot once a second); logging every attempt would
/// repeat "No space left on device" five times a second and bury everything else, so each
/// kind of file logs its first failure, then at most one line per `logInterval` with the
/// number of failures in between, and one line when writes work again. `health` is
/// `degraded`, with the reason, from the first failure until a write of that kind succeeds.
struct PersistenceHealth {
    /// What failed: the durable state (snapshot, journal, state_dir itself), which makes
    /// tierd refuse changes, or the audit log, which is written late.
    enum Kind: String, Sendable, CaseIterable {
        case state, audit
    }

    struct Failure {
        var error: PersistenceError
        var since: Double
        var count: Int
        var lastLogged: Double
        var unlogged: Int
    }

    static let logInterval: Double = 60
    private(set) var failures: [Kind: Failure] = [:]

    var isHealthy: Bool { failures.isEmpty }

    /// Records a failure; logs it unless the same kind was logged less than `logInterval` ago.
    mutating func failed(_ kind: Kind, _ error: PersistenceError, now: Double, logger: Logger) {
        var failure = failures[kind] ?? Failure(error: error, since: now, count: 0, lastLogged: -.infinity, unlogged: 0)
        failure.count += 1
        // Another reason is news; the same one again is not (a different file failing for
        // the same full disk included).
        let changed = failure.error.cause != error.cause
        failure.error = error
        if changed || now - failure.lastLogged >= Self.logInterval {
            var metadata: Logger.Metadata = ["error": "\(error)", "kind": "\(kind.rawValue)"]
            if failure.unlogged > 0 { metadata["repeated"] = "\(failure.unlogged)" }
            logger.error(kind == .state ? "state is not durable; changes are refused" : "could not write audit log", metadata: metadata)
            failure.lastLogged = now
            failure.unlogged = 0
        } else {
            failure.unlogged += 1
        }
        failures[kind] = failure
    }

    /// A write of this kind succeeded: clears the failure (and says so once).
    mutating func succeeded(_ kind: Kind, now: Double, logger: Logger) {
        guard let failure = failures.removeValue(forKey: kind) else { return }
        logger.notice(
            "\(kind.rawValue) writes work again",
            metadata: ["failures": "\(failure.count)", "seconds": "\(Int(now - failure.since))", "last_error": "\(failure.error)"])
    }

    /// One line per failing kind, for `health`'s errors.
    func problems(describingTime: (Double) -> String) -> [String] {
        Kind.allCases.compactMap { kind in
            failures[kind].map {
                "\(kind.rawValue) not durable since \(describingTime($0.since)) (\($0.count) failed writes): \($0.error)"
            }
        }
    }
}
