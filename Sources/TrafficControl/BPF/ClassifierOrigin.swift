/// How the shaper came by its classifier's programs and maps on the last `prepare()`, for the
/// daemon's log: a restart under the systemd unit (no CAP_SYS_ADMIN) adopts only from pins.
public enum ClassifierOrigin: String, Sendable {
    /// Opened from their bpffs pins (`BPFPinDirectory`): nothing new in the kernel.
    case pins = "adopted from bpffs pins"
    /// Opened by kernel id (at least one of them): needs CAP_SYS_ADMIN.
    case ids = "adopted by id"
    /// Loaded from the embedded object: new programs (and new maps where none were adopted).
    case loaded = "loaded"
}
