/// What one converge changed in the kernel, and what it could not do.
///
/// With an unchanged input every count is zero: the proof that convergence is minimal.
public struct ConvergeReport: Sendable, Equatable {
    public var classesCreated = 0
    public var classesChanged = 0
    public var classesDeleted = 0
    public var filtersCreated = 0
    public var filtersDeleted = 0
    public var qdiscsCreated = 0
    public var qdiscsDeleted = 0
    /// Classifier map entries written (an address bound to a class) and deleted.
    public var entriesSet = 0
    public var entriesDeleted = 0
    /// Failures, each naming its object; the rest of the batch was still applied.
    public var errors: [TrafficControlError] = []

    public init() {}

    /// Total number of kernel objects created, changed or deleted.
    public var totalChanges: Int {
        classesCreated + classesChanged + classesDeleted + filtersCreated + filtersDeleted + qdiscsCreated + qdiscsDeleted
            + entriesSet + entriesDeleted
    }
}

extension ConvergeReport {
    /// Adds another pass's counts and errors: one report for passes over several interfaces.
    public mutating func add(_ other: ConvergeReport) {
        classesCreated += other.classesCreated
        classesChanged += other.classesChanged
        classesDeleted += other.classesDeleted
        filtersCreated += other.filtersCreated
        filtersDeleted += other.filtersDeleted
        qdiscsCreated += other.qdiscsCreated
        qdiscsDeleted += other.qdiscsDeleted
        entriesSet += other.entriesSet
        entriesDeleted += other.entriesDeleted
        errors += other.errors
    }
}
