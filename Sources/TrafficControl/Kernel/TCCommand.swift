/// tc's command-line spelling of the requests tierd sends (see `NetlinkRequest.tcCommand`).
enum TCCommand {
    /// "root", "parent 7200:3", or clsact's hooks as tc names them.
    static func parent(_ handle: UInt32) -> String {
        switch handle {
        case TCHandle.root: "root"
        case TCHandle.clsactEgress: "egress"
        case TCHandle.clsactIngress: "ingress"
        default: "parent \(TCHandle.text(handle))"
        }
    }

    static func qdisc(_ device: String, handle: UInt32, parent: UInt32, kind: String, fifoLimit: Int, replace: Bool) -> String {
        let verb = replace ? "replace" : "add"
        switch kind {
        case "clsact": return "qdisc \(verb) dev \(device) clsact"
        case "htb": return "qdisc \(verb) dev \(device) \(Self.parent(parent)) handle \(TCHandle.text(handle)) htb default 0"
        case "pfifo", "bfifo": return "qdisc \(verb) dev \(device) \(Self.parent(parent)) handle \(TCHandle.text(handle)) \(kind) limit \(fifoLimit)"
        case "fq_codel": return "qdisc \(verb) dev \(device) \(Self.parent(parent)) handle \(TCHandle.text(handle)) fq_codel flows 64"
        default: return "qdisc \(verb) dev \(device) \(Self.parent(parent)) handle \(TCHandle.text(handle)) \(kind)"
        }
    }

    static func htbClass(_ device: String, _ spec: ClassSpec, replace: Bool) -> String {
        "class \(replace ? "change" : "add") dev \(device) parent \(TCHandle.text(spec.parent)) classid \(TCHandle.text(spec.handle)) htb"
            + " rate \(spec.rate)bit ceil \(spec.ceil)bit burst \(spec.burst)b cburst \(spec.burst)b quantum \(spec.quantum)"
    }
}
