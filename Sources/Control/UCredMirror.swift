/// Layout mirror of Linux `struct ucred` (pid, uid, gid: three 32-bit fields). Glibc only
/// declares `ucred` under _GNU_SOURCE, which Swift's Glibc module does not set.
struct UCredMirror: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
