/// What `Shaper.dryRun(to:)` found a converge would do, without doing it.
public struct ShaperDryRun: Sendable {
    /// The counts a converge would report; `errors` holds what the plan itself refuses (an
    /// address claimed by two users, no free handle), not kernel refusals, which only a real
    /// change can meet.
    public var report: ConvergeReport
    /// The changes one per line, in the order they would be sent (capped).
    public var operations: [String]
    /// Changes beyond the cap, counted but not listed.
    public var operationsOmitted: Int

    /// How many changes a plan lists at most (the rest are counted): enough to read, small
    /// enough for a control reply at 50k users.
    public static let operationLimit = 1000

    public init(report: ConvergeReport, operations: [String], operationsOmitted: Int) {
        self.report = report
        self.operations = operations
        self.operationsOmitted = operationsOmitted
    }
}
