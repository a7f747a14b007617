/// A control reply and the exact line it came from.
public struct ControlResponse: Sendable, Hashable {
    public var reply: ControlReply
    public var line: String

    public init(reply: ControlReply, line: String) {
        self.reply = reply
        self.line = line
    }
}
