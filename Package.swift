// swift-tools-version: 6.1
import PackageDescription

// Layers import downward only:
//   tierd, tierctl, tierd-bench  ->  TierDaemon  ->  TrafficControl, Feed, Scoring, Control
//   tierctl -> Control, LibreQoSImport
//   TrafficControl -> CNetlink, CLibBPF, CTierdBPF (the only target that touches netlink and BPF),
//                     IPAddressing (re-exported: IPPrefix is part of its API)
//   Feed -> FeedParsing, Scoring (event types), Control (socket path rule)
//   LibreQoSImport -> ConfigSyntax, IPAddressing; TierDaemon uses both as well
//   Scoring, Control, ConfigSyntax, IPAddressing: no project dependencies;
//   Scoring, FeedParsing, ConfigSyntax, IPAddressing and LibreQoSImport do no I/O at all.
let package = Package(
    name: "tierd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tierd", targets: ["tierd"]),
        .executable(name: "tierctl", targets: ["tierctl"]),
        .executable(name: "tierd-bench", targets: ["tierd-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-route-3-dev"])]
        ),
        .systemLibrary(
            name: "CLibBPF",
            pkgConfig: "libbpf",
            providers: [.apt(["libbpf-dev"])]
        ),
        // The compiled BPF classifier (bpf/classify.bpf.c), embedded by scripts/gen-bpf.sh.
        .target(name: "CTierdBPF"),
        // Addresses and prefixes as the users file writes them (`IPPrefix`, `PrefixKey`): pure,
        // so the LibreQoS importer parses them by the daemon's rules without linking netlink.
        .target(name: "IPAddressing"),
        // The lexical rules the config and users file share with the LibreQoS importer: CSV
        // fields, user ids, tier names.
        .target(name: "ConfigSyntax"),
        // ShapedDevices.csv -> users file and proposed tiers: pure (text in, text out), the
        // untrusted-input path `tierctl import libreqos` takes and Fuzz/run.sh fuzzes.
        .target(name: "LibreQoSImport", dependencies: ["ConfigSyntax", "IPAddressing"]),
        .target(
            name: "TrafficControl",
            dependencies: ["CNetlink", "CLibBPF", "CTierdBPF", "IPAddressing"]
        ),
        // The data-plane benchmark's packet generator (AF_PACKET + sendmmsg threads): C, so the
        // send loop costs the same small, allocation-free amount under every tree it measures.
        .target(name: "CPacketGen"),
        .target(name: "Scoring", dependencies: [.product(name: "HeapModule", package: "swift-collections")]),
        // The feed's line grammar: pure (no I/O, no NIO, no Foundation), the untrusted-input
        // path the fuzz target builds on its own (Fuzz/run.sh).
        .target(name: "FeedParsing", dependencies: ["Scoring"]),
        .target(
            name: "Feed",
            dependencies: [
                "Scoring", "FeedParsing",
                // Control: the one rule for claiming a socket path (`SocketPathClaim`).
                "Control",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Control",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TierDaemon",
            dependencies: [
                "TrafficControl", "Scoring", "FeedParsing", "Feed", "Control", "ConfigSyntax", "IPAddressing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "tierd",
            dependencies: [
                // Control: `--check --plan` asks the running daemon as tierctl does.
                "TierDaemon", "Control",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "tierctl",
            dependencies: [
                "Control", "LibreQoSImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // plans.toml of `tierctl import libreqos`.
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "tierd-bench",
            dependencies: [
                "TierDaemon", "TrafficControl", "Scoring", "FeedParsing", "Feed", "CPacketGen", "Control",
                // The classifier object's bytes, for the floor's `bpftool prog loadall`.
                "CTierdBPF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: temporary directories, namespaces, processes.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "ScoringTests",
            dependencies: ["Scoring", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "FeedTests",
            dependencies: [
                "FeedParsing", "Feed", "Control", "Scoring", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ControlTests",
            dependencies: ["Control", "tierctl", "LibreQoSImport", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "TrafficControlTests",
            dependencies: ["TrafficControl", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "TierDaemonTests", dependencies: ["TierDaemon", "Control", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Control", "TestSupport"]),
        .testTarget(name: "LibreQoSImportTests", dependencies: ["LibreQoSImport"]),
        // The benchmark's pure parts (scoring and feed throughput), exercised small.
        .testTarget(name: "BenchTests", dependencies: ["tierd-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
