import CLibBPF
import Glibc

/// Where the classifier of one interface is pinned in bpffs, so that a restarted tierd can
/// open its programs and maps by path.
///
/// Why pins: the filter dumps name the programs' ids, but opening a program or map by id
/// (`BPF_PROG_GET_FD_BY_ID`, `BPF_MAP_GET_FD_BY_ID`) needs CAP_SYS_ADMIN, which the systemd
/// unit does not give (CAP_NET_ADMIN and CAP_BPF only). Without it a restart could not adopt
/// and would load new programs and maps. Opening a pin (`BPF_OBJ_GET`) needs only access to
/// the file. Ids stay the fallback (root, or no bpffs at the configured place).
///
/// Layout: `<root>/<netns cookie>-<ifindex>/<program or map name>`. The network namespace's
/// cookie and the interface index make the directory unique per namespace and device: two
/// tierd instances, or test namespaces, never share pins, and a device re-created with a new
/// index does not find another device's classifier. Pins keep their objects alive, so
/// `Shaper.teardown()` removes the directory.
struct BPFPinDirectory {
    let path: String

    /// The directory for `ifindex` in the namespace of `socketFD`, under `root`; nil when
    /// `root` is not on a bpffs (pinning is then off) or the kernel cannot name the namespace.
    init?(root: String, socketFD: Int32, ifindex: Int32) {
        var fs = statfs()
        guard statfs(root, &fs) == 0, UInt(bitPattern: Int(fs.f_type)) == 0xCAFE_4A11 /* BPF_FS_MAGIC */ else { return nil }
        var cookie: UInt64 = 0
        var length = socklen_t(MemoryLayout<UInt64>.size)
        guard getsockopt(socketFD, SOL_SOCKET, 71 /* SO_NETNS_COOKIE */, &cookie, &length) == 0 else { return nil }
        path = "\(root)/\(cookie)-\(ifindex)"
    }

    init(path: String) { self.path = path }

    /// The pinned object named `name`; nil when there is no such pin (or it cannot be opened).
    func open(_ name: String) -> BPFDescriptor? {
        let fd = bpf_obj_get("\(path)/\(name)")
        return fd >= 0 ? BPFDescriptor(fd) : nil
    }

    /// Makes the pin `name` hold `descriptor`'s object, unless it already does. Returns the
    /// errno of a failure.
    func pin(_ name: String, _ descriptor: BPFDescriptor) -> Int32? {
        let wanted = Self.objectID(descriptor.fd)
        if let current = open(name), Self.objectID(current.fd) == wanted { return nil }
        if mkdir(path, 0o750) != 0 && errno != EEXIST { return errno }
        let file = "\(path)/\(name)"
        unlink(file)
        let rc = bpf_obj_pin(descriptor.fd, file)
        return rc < 0 ? -rc : nil
    }

    /// Removes every pin and the directory: the objects live on while a filter or a
    /// descriptor holds them.
    func remove() {
        guard let directory = opendir(path) else { return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { unlink("\(path)/\(name)") }
        }
        closedir(directory)
        rmdir(path)
    }

    /// The kernel id of a program or map (both info structures begin with type, then id).
    static func objectID(_ fd: Int32) -> UInt32? {
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        return bpf_obj_get_info_by_fd(fd, &info, &length) == 0 ? info.id : nil
    }
}
