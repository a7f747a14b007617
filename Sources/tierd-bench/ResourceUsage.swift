#if canImport(Glibc)
import Glibc
#endif

/// Memory figures of this process, read the way an operator would (`/proc/self/status`).
enum ResourceUsage {
    /// Peak resident set size (VmHWM) in bytes.
    static func peakResidentBytes() -> UInt64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF, &usage)
        return UInt64(usage.ru_maxrss) * 1024
    }

    /// Current resident set size in bytes.
    static func residentBytes() -> UInt64 {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size: UInt64 = 0
        var resident: UInt64 = 0
        guard fscanf(file, "%llu %llu", &size, &resident) == 2 else { return 0 }
        return resident * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
