/// What a reload does, or would do: `plan`'s answer, and `reload`'s once it is done. One type
/// for both so that the prediction and the outcome can be compared field by field.
///
/// `{"moves":[{"user":"alice","from":"full","to":"reduced","rule":"threshold","score":640}],
///   "restart_required":[],"kernel":{"classes_created":2,...,"operations":["create class ..."]},
///   "warnings":[]}`
public struct ReloadReport: Sendable, Hashable, Codable {
    /// Users whose tier changes, in users-file order of the change; a user added to the users
    /// file has an empty `from` (rule `added`), a removed one an empty `to` (rule `removed`).
    public var moves: [TierMove]
    /// Settings that differ but cannot change on a reload (the reload is refused while any
    /// is listed; a restart applies them).
    public var restartRequired: [String]
    /// The kernel changes; nil when nothing would be applied (a restart is required).
    public var kernel: KernelChanges?
    /// Problems found while planning that do not refuse the reload (an address claimed by
    /// two users is kept for the first).
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case moves
        case restartRequired = "restart_required"
        case kernel, warnings
    }

    public init(moves: [TierMove], restartRequired: [String] = [], kernel: KernelChanges?, warnings: [String] = []) {
        self.moves = moves
        self.restartRequired = restartRequired
        self.kernel = kernel
        self.warnings = warnings
    }
}

/// One user's tier change as a reload makes it, with the rule that decided it.
public struct TierMove: Sendable, Hashable, Codable {
    public var user: String
    public var from: String
    public var to: String
    /// The rule's name as `explain` prints it (`threshold`, `dwell-hold`, `added`, ...).
    public var rule: String
    /// The user's score when the move was decided; nil for a user with no score.
    public var score: Double?

    public init(user: String, from: String, to: String, rule: String, score: Double?) {
        self.user = user
        self.from = from
        self.to = to
        self.rule = rule
        self.score = score
    }
}

/// Kernel objects created, changed and deleted, both devices together, counted by the same
/// code whether the changes are planned or applied.
public struct KernelChanges: Sendable, Hashable, Codable {
    public var classesCreated: Int
    public var classesChanged: Int
    public var classesDeleted: Int
    public var qdiscsCreated: Int
    public var qdiscsDeleted: Int
    public var filtersCreated: Int
    public var filtersDeleted: Int
    /// Classifier map entries (address -> class) written and deleted.
    public var entriesSet: Int
    public var entriesDeleted: Int
    /// The changes one per line, in the order they would be sent (`plan` only; capped, see
    /// `operationsOmitted`).
    public var operations: [String]?
    /// Operations beyond the cap, counted but not listed.
    public var operationsOmitted: Int?

    enum CodingKeys: String, CodingKey {
        case classesCreated = "classes_created", classesChanged = "classes_changed", classesDeleted = "classes_deleted"
        case qdiscsCreated = "qdiscs_created", qdiscsDeleted = "qdiscs_deleted"
        case filtersCreated = "filters_created", filtersDeleted = "filters_deleted"
        case entriesSet = "entries_set", entriesDeleted = "entries_deleted"
        case operations
        case operationsOmitted = "operations_omitted"
    }

    public init(classesCreated: Int = 0, classesChanged: Int = 0, classesDeleted: Int = 0, qdiscsCreated: Int = 0,
                qdiscsDeleted: Int = 0, filtersCreated: Int = 0, filtersDeleted: Int = 0, entriesSet: Int = 0,
                entriesDeleted: Int = 0, operations: [String]? = nil, operationsOmitted: Int? = nil) {
        self.classesCreated = classesCreated
        self.classesChanged = classesChanged
        self.classesDeleted = classesDeleted
        self.qdiscsCreated = qdiscsCreated
        self.qdiscsDeleted = qdiscsDeleted
        self.filtersCreated = filtersCreated
        self.filtersDeleted = filtersDeleted
        self.entriesSet = entriesSet
        self.entriesDeleted = entriesDeleted
        self.operations = operations
        self.operationsOmitted = operationsOmitted
    }

    /// The counts alone (what a reload reports), for comparing a plan with its outcome.
    public var counts: KernelChanges {
        var copy = self
        copy.operations = nil
        copy.operationsOmitted = nil
        return copy
    }

    public var total: Int {
        classesCreated + classesChanged + classesDeleted + qdiscsCreated + qdiscsDeleted + filtersCreated + filtersDeleted
            + entriesSet + entriesDeleted
    }
}
