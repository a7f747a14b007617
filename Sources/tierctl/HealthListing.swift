import Control

/// The human-readable form of `health`.
enum HealthListing {
    static func render(_ report: HealthReport) -> String {
        var text = KeyValueListing.render([
            ("status", report.status.rawValue),
            ("kernel in sync", report.kernelInSync ? "yes" : "no"),
            ("users", String(report.users)),
            ("throttled", String(report.throttled)),
            ("last apply", Formatting.date(report.lastApply)),
            ("errors", report.errors.isEmpty ? "none" : String(report.errors.count)),
        ])
        for error in report.errors { text += "  - \(error)\n" }
        if let interfaces = report.interfaces, interfaces.count > 1 {
            text += "interfaces:\n"
            for interface in interfaces {
                let sync = interface.kernelInSync ? "in sync" : "NOT in sync"
                text += "  \(interface.name) (upload via \(interface.ifb)): \(interface.users) users, \(interface.throttled) throttled, \(sync)\n"
            }
        }
        if case .object(let members) = report.feed, !members.isEmpty {
            text += "feed:\n" + JSONListing.render(report.feed).split(separator: "\n").map { "  \($0)\n" }.joined()
        }
        return text
    }
}
