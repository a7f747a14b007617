import LibreQoSImport
import TOMLKit

/// `--plans plans.toml`: the operator's tier names for LibreQoS plans.
///
/// ```toml
/// [[plan]]
/// download = 105    # Download Max Mbps, as in ShapedDevices.csv
/// upload = 18       # Upload Max Mbps
/// tier = "basic"
/// ```
enum PlansFile {
    static func parse(_ text: String) -> Result<[RatePlan: String], PlansFileProblems> {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch {
            return .failure(PlansFileProblems(["not TOML: \(error)"]))
        }
        var problems: [String] = []
        for key in root.keys where key != "plan" { problems.append("unknown key \"\(key)\" (expected [[plan]] tables)") }
        var names: [RatePlan: String] = [:]
        var tiers: Set<String> = []
        for (index, value) in (root["plan"]?.array.map(Array.init) ?? []).enumerated() {
            let label = "plan \(index + 1)"
            guard let table = value.table else { problems.append("\(label): not a table"); continue }
            for key in table.keys where !["download", "upload", "tier"].contains(key) {
                problems.append("\(label): unknown key \"\(key)\" (expected download, upload, tier)")
            }
            let download = rate(table["download"])
            let upload = rate(table["upload"])
            let tier = table["tier"]?.string
            if download == nil { problems.append("\(label): download must be a rate in Mbps above 0") }
            if upload == nil { problems.append("\(label): upload must be a rate in Mbps above 0") }
            if let tier, let problem = TierProposal.problem(withName: tier) { problems.append("\(label): \(problem)") }
            guard let download, let upload, let tier else {
                if tier == nil { problems.append("\(label): tier must be a string") }
                continue
            }
            let plan = RatePlan(download: download, upload: upload)
            if names[plan] != nil { problems.append("\(label): plan \(plan) is named twice") }
            if !tiers.insert(tier).inserted { problems.append("\(label): tier \"\(tier)\" names two plans") }
            names[plan] = tier
        }
        return problems.isEmpty ? .success(names) : .failure(PlansFileProblems(problems))
    }

    /// An integer or a float, read by the same rule as ShapedDevices.csv's Mbps.
    private static func rate(_ value: TOMLValueConvertible?) -> MbpsRate? {
        if let integer = value?.int { return MbpsRate(String(integer)) }
        if let float = value?.double { return MbpsRate(String(float)) }
        return nil
    }
}

struct PlansFileProblems: Error {
    let problems: [String]
    init(_ problems: [String]) { self.problems = problems }
}
