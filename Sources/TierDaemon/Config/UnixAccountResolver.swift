#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Looks up local accounts for the users file's `unix_user` column.
///
/// Uses the reentrant `getpwnam_r` so concurrent loads (reload while a check runs) do
/// not share getpwnam's static buffer; NSS decides, so LDAP/sssd accounts work too.
public enum UnixAccountResolver {
    /// The account's uid, or nil when it does not exist (or the lookup failed).
    public static func uid(forUser name: String) -> UInt32? {
        var bufferSize = max(Int(sysconf(Int32(_SC_GETPW_R_SIZE_MAX))), 1024)
        while bufferSize <= 1 << 20 {
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: bufferSize)
            let status = getpwnam_r(name, &entry, &buffer, bufferSize, &result)
            if status == ERANGE {
                bufferSize *= 2
                continue
            }
            guard status == 0, let found = result else { return nil }
            return UInt32(found.pointee.pw_uid)
        }
        return nil
    }
}
