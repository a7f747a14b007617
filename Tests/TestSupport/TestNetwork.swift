import Foundation

/// Two fresh network namespaces joined by a veth pair, for kernel and traffic tests.
///
/// Names are unique ("tierdt-" + random) so tests can run twice and in parallel; nothing on
/// the host's own interfaces is touched. The server side holds the shaped interface.
/// Client-side user addresses: user i (0-based) has 10.77.(i / 200 + 1).(i % 200 + 10) and
/// fd77::1:(i + 16), so tests can bind iperf3 to a specific user's address.
public final class TestNetwork: Sendable {
    public let serverNS: String
    public let clientNS: String
    public let serverInterface: String
    public let clientInterface: String
    public let serverIPv4 = "10.77.0.1"
    public let clientIPv4 = "10.77.0.2"
    public let serverIPv6 = "fd77::1"
    public let clientIPv6 = "fd77::2"
    public let users: Int

    private init(tag: String, users: Int) {
        serverNS = "tierdt-\(tag)-s"
        clientNS = "tierdt-\(tag)-c"
        serverInterface = "tdt\(tag)s"
        clientInterface = "tdt\(tag)c"
        self.users = users
    }

    /// Creates the namespaces, veth pair and addresses (`users` extra addresses on the client side).
    public static func make(users: Int = 0) throws -> TestNetwork {
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let network = TestNetwork(tag: tag, users: users)
        do {
            try network.setUp()
        } catch {
            network.destroy()
            throw error
        }
        return network
    }

    public func userIPv4(_ index: Int) -> String { "10.77.\(index / 200 + 1).\(index % 200 + 10)" }
    public func userIPv6(_ index: Int) -> String { "fd77::1:\(String(index + 16, radix: 16))" }

    private func setUp() throws {
        try CommandRunner.run(["ip", "netns", "add", serverNS])
        try CommandRunner.run(["ip", "netns", "add", clientNS])
        try CommandRunner.run(["ip", "-n", serverNS, "link", "add", serverInterface, "type", "veth",
                               "peer", "name", clientInterface, "netns", clientNS])
        try run(serverNS, ["ip", "link", "set", "lo", "up"])
        try run(clientNS, ["ip", "link", "set", "lo", "up"])
        try run(serverNS, ["ip", "addr", "add", "\(serverIPv4)/16", "dev", serverInterface])
        try run(serverNS, ["ip", "addr", "add", "\(serverIPv6)/64", "dev", serverInterface, "nodad"])
        try run(clientNS, ["ip", "addr", "add", "\(clientIPv4)/16", "dev", clientInterface])
        try run(clientNS, ["ip", "addr", "add", "\(clientIPv6)/64", "dev", clientInterface, "nodad"])
        if users > 0 {
            var batch = ""
            for index in 0..<users {
                batch += "addr add \(userIPv4(index))/16 dev \(clientInterface)\n"
                batch += "addr add \(userIPv6(index))/64 dev \(clientInterface) nodad\n"
            }
            try withTemporaryDirectory { dir in
                try dir.write("addresses.batch", batch)
                try CommandRunner.run(["ip", "-n", clientNS, "-batch", dir.file("addresses.batch")])
            }
        }
        try run(serverNS, ["ip", "link", "set", serverInterface, "up"])
        try run(clientNS, ["ip", "link", "set", clientInterface, "up"])
    }

    /// Runs a command inside a namespace (`ip netns exec`); returns stdout.
    @discardableResult
    public func run(_ ns: String, _ args: [String]) throws -> String {
        try CommandRunner.run(["ip", "netns", "exec", ns] + args)
    }

    /// Starts a command inside a namespace in the background.
    public func start(_ ns: String, _ args: [String]) throws -> BackgroundProcess {
        try BackgroundProcess(["ip", "netns", "exec", ns] + args)
    }

    /// Deletes both namespaces (and with them the veth pair and any IFB inside). Safe to call twice.
    public func destroy() {
        for ns in [serverNS, clientNS] {
            _ = try? CommandRunner.run(["ip", "netns", "del", ns])
        }
    }
}
