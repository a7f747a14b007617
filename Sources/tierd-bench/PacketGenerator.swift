import CPacketGen

/// The data-plane benchmark's traffic: sender threads of the C generator (Sources/CPacketGen)
/// sending 64-byte UDP frames with AF_PACKET `sendmmsg` out of one device, through its qdisc.
/// One end of every frame is fixed; the other cycles over the users' addresses, so the
/// classifier sees many users, as it does in front of real subscribers.
///
/// Runs from `init` until `stop()` (or deinit): the caller reads the receive-side counters
/// while it runs, so start-up and the drain after stopping are not in the measured window.
final class PacketGenerator {
    struct Setup {
        /// Network namespace (by `ip netns` name) the sockets are created in.
        var namespace: String
        var interface: String
        var threads: Int
        var family: DataplaneFamily
        /// true: the users' addresses are the source (upload); false: the destination (download).
        var cycleSource: Bool
        /// Each 4 (IPv4) or 16 (IPv6) bytes.
        var addresses: [[UInt8]]
        var fixedAddress: [UInt8]
        var sourceMAC: [UInt8]
        var destinationMAC: [UInt8]
        /// Frames per `sendmmsg`.
        var batch = 64
    }

    private var handle: OpaquePointer?

    init(_ setup: Setup) throws {
        // One flat buffer, 16 bytes per address, as the C side expects.
        var flat = [UInt8](repeating: 0, count: setup.addresses.count * 16)
        for (index, address) in setup.addresses.enumerated() {
            flat.replaceSubrange(index * 16..<index * 16 + address.count, with: address)
        }
        var config = tierd_pktgen_config()
        config.threads = Int32(setup.threads)
        config.family = setup.family == .ipv4 ? 4 : 6
        config.cycle_source = setup.cycleSource ? 1 : 0
        config.address_count = setup.addresses.count
        config.batch = Int32(setup.batch)
        withUnsafeMutableBytes(of: &config.fixed_address) { $0.copyBytes(from: setup.fixedAddress.prefix(16)) }
        withUnsafeMutableBytes(of: &config.source_mac) { $0.copyBytes(from: setup.sourceMAC.prefix(6)) }
        withUnsafeMutableBytes(of: &config.destination_mac) { $0.copyBytes(from: setup.destinationMAC.prefix(6)) }
        var error = [CChar](repeating: 0, count: 256)
        let started: OpaquePointer? = "/var/run/netns/\(setup.namespace)".withCString { path in
            setup.interface.withCString { interface in
                flat.withUnsafeBufferPointer { addresses in
                    config.netns_path = path
                    config.interface = interface
                    config.addresses = addresses.baseAddress
                    // The C side copies the addresses before returning.
                    return tierd_pktgen_start(&config, &error, error.count)
                }
            }
        }
        guard let started else {
            throw BenchFailure("packet generator: \(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        handle = started
    }

    /// Frames the kernel has accepted so far, all threads.
    var sent: UInt64 { handle.map { tierd_pktgen_sent($0) } ?? 0 }

    /// Send calls refused with ENOBUFS so far (the qdisc dropped): should stay 0 with nothing
    /// rate-limited; reported so a full queue cannot pass unnoticed.
    var refused: UInt64 { handle.map { tierd_pktgen_refused($0) } ?? 0 }

    /// Stops and joins the senders. Throws when one stopped early on a send error.
    func stop() throws {
        guard let handle else { return }
        self.handle = nil
        var error = [CChar](repeating: 0, count: 256)
        if tierd_pktgen_stop(handle, &error, error.count) != 0 {
            throw BenchFailure("packet generator: \(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
    }

    deinit {
        if let handle { _ = tierd_pktgen_stop(handle, nil, 0) }
    }
}
