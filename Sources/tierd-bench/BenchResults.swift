import Scoring

/// Everything one `tierd-bench` run measured, as written by `--json`.
struct BenchResults: Codable {
    var machine = MachineInfo()
    var quick = false
    var coldApply: [ColdApplyResult] = []
    var tierChange: [LatencyResult] = []
    var adoption: AdoptionResult?
    var peakRSS: RSSResult?
    var scoring: ScoringResult?
    var feed: FeedResult?
    /// Feed line appended to the file -> class rate visible through netlink, real tierd.
    var feedLatency: FeedLatencyBenchmark.Result?
    /// Real tierd started on a feed file holding every user's score -> health in sync, vs tc -batch.
    var coldStart: ColdStartBenchmark.Result?
}

/// One cold apply: tierd versus `tc -batch` of tierd's layout (floor) and of a flat HTB.
struct ColdApplyResult: Codable {
    var users: Int
    var throttled: Int
    var tierdSeconds: Double
    /// The floor: tierd's plan (`Shaper.coldBuildScript`) through `tc -batch`, `bpftool` and
    /// `tc filter` (see ColdBuildFloor); `floorClassifierSeconds` is its classifier part.
    var floorSeconds: Double
    var floorClassifierSeconds: Double
    /// When `flatTimedOut`, the time limit at which `tc` was stopped: a lower bound.
    var flatSeconds: Double
    var flatTimedOut: Bool
    /// flat / tierd: how many times faster tierd is than the usual flat script (a lower
    /// bound when `flatTimedOut`).
    var speedupOverFlat: Double
    /// tierd / floor: 1.0 means tierd adds nothing over the kernel's own cost.
    var ratioToFloor: Double
    var tierdObjects: ObjectCounts
    var floorObjects: ObjectCounts
    var flatObjects: ObjectCounts
    /// Whether the floor script built exactly tierd's tree (see LayoutSignature).
    var floorMatchesTierd: Bool
    var layoutDifferences: [String]
    var tierdErrors: [String]
    var leafQdisc: String
    var targets: [TargetCheck]
}

/// A target from the issues and whether this run met it.
struct TargetCheck: Codable {
    var name: String
    var limit: String
    var measured: String
    var pass: Bool
    /// The issue sets this target for another size: shown for comparison, not judged.
    var informative = false
}

struct LatencyResult: Codable {
    var name: String
    /// Throttled users in the tree while measuring.
    var throttledUsers: Int
    var userClassesPresent: Int
    var latency: LatencySummary
    /// nil: shown for comparison only (the issue sets no target for this row).
    var targetP99Microseconds: Double?
    var pass: Bool
    var note: String
}

struct AdoptionResult: Codable {
    var users: Int
    var seconds: Double
    /// Qdiscs, classes and filters created, changed or deleted (ConvergeReport.totalChanges
    /// without the map entries).
    var objectsChanged: Int
    /// Classifier map entries set or deleted.
    var entriesChanged: Int
    var errors: Int
    var targetSeconds: Double
    /// Time, and nothing changed (objects and entries).
    var targets: [TargetCheck]
    var pass: Bool

    init(users: Int, seconds: Double, objectsChanged: Int, entriesChanged: Int, errors: Int, targetSeconds: Double, targets: [TargetCheck]) {
        self.users = users
        self.seconds = seconds
        self.objectsChanged = objectsChanged
        self.entriesChanged = entriesChanged
        self.errors = errors
        self.targetSeconds = targetSeconds
        self.targets = targets
        pass = targets.allSatisfy(\.pass)
    }
}

struct RSSResult: Codable {
    var users: Int
    var throttled: Int
    var peakResidentBytes: UInt64
    var targetBytes: UInt64
    var pass: Bool
}

struct ScoringResult: Codable {
    var result: ScoringBenchmarkResult
    var passEventsPerSecond: Bool
    var passBytesPerUser: Bool
}

struct FeedResult: Codable {
    var lines: Int
    var ingestLinesPerSecond: Double
    var applyLinesPerSecond: Double
    var targetLinesPerSecond: Double
    var passIngest: Bool
    var passApply: Bool
}
