/// Where the shaper works: the subscriber-facing interface, the IFB it owns for upload,
/// and optionally a named network namespace (`/var/run/netns/NAME`) to program instead of the caller's.
public struct ShaperConfiguration: Sendable {
    public var interface: String
    public var ifb: String
    public var namespace: String?
    /// Replace a root qdisc tierd did not create. Off by default: silently destroying an
    /// operator's shaping would be worse than refusing to start.
    public var takeover: Bool
    /// Ready classes kept per direction: a class with its leaf qdisc and no filter, which a
    /// newly throttled user takes with one in-place rate change. Creating a class instead
    /// costs time that grows with every class on the machine (the kernel walks a global list
    /// of filter blocks on each creation: ~0.3 ms per class at 20k classes, measured), and that
    /// cost is what a user moving from unthrottled to throttled would wait for. Taken classes
    /// are replaced by `Shaper.replenishSpares()`, off that user's path; an unthrottled user's
    /// class is parked as a ready one while fewer than this are kept. 0 turns it off.
    public var spareClasses: Int
    /// What tierd's daemon uses unless configured otherwise (`[network] spare_classes`).
    public static let defaultSpareClasses = 32
    /// A directory on a bpffs where the classifier is pinned (`BPFPinDirectory`), so that a
    /// restart without CAP_SYS_ADMIN can adopt it; nil, or a path not on a bpffs: no pins
    /// (adoption by id, which needs CAP_SYS_ADMIN).
    public var pinDirectory: String?

    public init(interface: String, ifb: String, namespace: String? = nil, takeover: Bool = false, spareClasses: Int = 0,
                pinDirectory: String? = nil) {
        self.interface = interface
        self.ifb = ifb
        self.namespace = namespace
        self.takeover = takeover
        self.spareClasses = max(0, spareClasses)
        self.pinDirectory = pinDirectory
    }
}
