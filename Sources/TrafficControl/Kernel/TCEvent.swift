/// One traffic control change the kernel announced on its TC multicast group (RTNLGRP_TC), or
/// a link change (RTNLGRP_LINK): a shaped device that vanishes or comes back.
///
/// `port` is the netlink port of the socket whose request caused it (0 when the kernel acted
/// on its own): comparing it with the shaper's own port tells tierd's changes from an
/// administrator's `tc` command, without any timing guesswork.
public struct TCEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case qdiscAdded = "qdisc added or changed"
        case qdiscDeleted = "qdisc deleted"
        case classAdded = "class added or changed"
        case classDeleted = "class deleted"
        case filterAdded = "filter added or changed"
        case filterDeleted = "filter deleted"
        case linkChanged = "link added or changed"
        case linkDeleted = "link deleted"
        /// The monitor's receive buffer overflowed: changes were missed, assume anything.
        case eventsLost = "events lost"

        init?(messageType: UInt16) {
            switch messageType {
            case 16: self = .linkChanged
            case 17: self = .linkDeleted
            case 36: self = .qdiscAdded
            case 37: self = .qdiscDeleted
            case 40: self = .classAdded
            case 41: self = .classDeleted
            case 44: self = .filterAdded
            case 45: self = .filterDeleted
            default: return nil
            }
        }
    }

    public var kind: Kind
    public var ifindex: Int32
    public var handle: UInt32
    public var parent: UInt32
    public var port: UInt32

    public init(kind: Kind, ifindex: Int32, handle: UInt32, parent: UInt32, port: UInt32) {
        self.kind = kind
        self.ifindex = ifindex
        self.handle = handle
        self.parent = parent
        self.port = port
    }

    public var description: String {
        switch kind {
        case .eventsLost:
            return kind.rawValue
        case .filterAdded, .filterDeleted:
            return "\(kind.rawValue): handle \(String(handle, radix: 16)) on \(TCHandle.text(parent)), ifindex \(ifindex), netlink port \(port)"
        case .linkChanged, .linkDeleted:
            return "\(kind.rawValue): ifindex \(ifindex)"
        default:
            return "\(kind.rawValue): \(TCHandle.text(handle)) (parent \(TCHandle.text(parent))), ifindex \(ifindex), netlink port \(port)"
        }
    }
}
