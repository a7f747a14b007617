import Foundation

/// What the drift, restart and partial-failure tests read back from the kernel with `tc`
/// (tests may exec tc to observe; the daemon never does).
public struct KernelObservation: Sendable {
    public let net: TestNetwork
    public let ifb = "ifb-tierdt"

    public init(net: TestNetwork) {
        self.net = net
    }

    public func tc(_ arguments: [String]) throws -> String {
        try net.run(net.serverNS, ["tc"] + arguments)
    }

    /// `tc class show` of the interface (download) or the IFB (upload).
    public func classes(upload: Bool = false) throws -> String {
        try tc(["class", "show", "dev", upload ? ifb : net.serverInterface])
    }

    /// The handle of the download class with the given rate (tc's text, e.g. "2Mbit").
    public func classHandle(rate: String, upload: Bool = false) throws -> String? {
        for line in try classes(upload: upload).split(separator: "\n") where line.contains(" rate \(rate) ") {
            let words = line.split(separator: " ")
            if words.count > 2 { return String(words[2]) }
        }
        return nil
    }

    /// Handles and rates (tc's text) of the user-level classes: those inside an inner qdisc
    /// (every class but the root's `7164:N` shard classes), users' and ready ones alike.
    public func userClasses(upload: Bool = false) throws -> [(handle: String, rate: String)] {
        try classes(upload: upload).split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard words.count > 2, !words[2].hasPrefix("7164:"),
                  let rate = words.firstIndex(of: "rate").map({ words[$0 + 1] }) else { return nil }
            return (words[2], rate)
        }
    }

    /// Whether an entry of the download classifier's maps sends an address to the class
    /// `handle` ("7200:3"): found as an operator would, through the program id `tc` shows on
    /// the interface's clsact egress hook and `bpftool`. `interface`: the shaped interface
    /// whose classifier is read (default: the test network's).
    public func hasFilter(to handle: String, interface: String? = nil) throws -> Bool {
        let parts = handle.split(separator: ":").map { UInt32($0, radix: 16) ?? 0 }
        let value = parts[0] << 16 | (parts.count > 1 ? parts[1] : 0)
        let hook = try tc(["-j", "filter", "show", "dev", interface ?? net.serverInterface, "egress"])
        guard let program = Self.numbers(after: #""prog":{"id":"#, in: hook).first else { return false }
        let info = try net.run(net.serverNS, ["bpftool", "-j", "prog", "show", "id", "\(program)"])
        let mapIDs = info.range(of: #""map_ids":["#).map { range in
            info[range.upperBound...].prefix { $0 != "]" }.split(separator: ",").compactMap { Int($0) }
        } ?? []
        for id in mapIDs {
            let dump = try net.run(net.serverNS, ["bpftool", "-j", "map", "dump", "id", "\(id)"])
            if Self.numbers(after: #""value":"#, in: dump).contains(Int(value)) { return true }
        }
        return false
    }

    /// The integers that follow each occurrence of `marker` in `text`.
    private static func numbers(after marker: String, in text: String) -> [Int] {
        text.components(separatedBy: marker).dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
    }

    /// The status of `tierctl health --json` and its errors.
    public static func health(_ ctl: [String]) throws -> (status: String, errors: [String]) {
        let result = try tierctl(ctl + ["health", "--json"])
        guard let data = result.output.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return ("", []) }
        let health = (object["health"] as? [String: Any]) ?? object
        return (health["status"] as? String ?? "", health["errors"] as? [String] ?? [])
    }

    /// The value of an unlabelled Prometheus counter in `tierctl metrics`.
    public static func metric(_ ctl: [String], _ name: String) throws -> Double? {
        let output = try tierctl(ctl + ["metrics"]).output
        for line in output.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }
}
