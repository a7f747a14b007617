#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Memory figures of this process, read the way an operator would.
enum ResourceUsage {
    /// Peak resident set size (VmHWM) in bytes.
    static func peakResidentBytes() -> UInt64 {
        value(of: "VmHWM:")
    }

    /// Current resident set size (VmRSS) in bytes.
    static func residentBytes() -> UInt64 {
        value(of: "VmRSS:")
    }

    private static func value(of key: String) -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
