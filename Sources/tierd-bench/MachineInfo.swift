import Foundation

/// Where and when the numbers were taken (other load on the machine skews them).
struct MachineInfo: Codable {
    var kernel = ""
    var cpus = 0
    var loadAverageAtStart = ""
    var loadAverageAtEnd = ""
    var startedAt = ""
}

extension MachineInfo {
    static func current() -> MachineInfo {
        var info = MachineInfo()
        info.kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        info.cpus = ProcessInfo.processInfo.activeProcessorCount
        info.loadAverageAtStart = loadAverage()
        info.startedAt = ISO8601DateFormatter().string(from: Date())
        return info
    }

    /// The 1, 5 and 15 minute load averages, as `uptime` prints them.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
