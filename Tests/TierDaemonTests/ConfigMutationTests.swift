import Foundation
import Testing
@testable import TierDaemon

/// Deterministic fuzzing of the two operator-written parsers: thousands of seeded
/// mutations of the shipped examples must each either load or fail with located errors,
/// never crash or hang. (The feed parser, which takes untrusted input, also has a
/// libFuzzer target in Fuzz/.)
struct ConfigMutationTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config")

    @Test func mutatedConfigsLoadOrFailWithLocatedErrors() throws {
        let original = Array(try String(contentsOf: Self.examples.appendingPathComponent("tierd.toml"), encoding: .utf8).utf8)
        var random = MutationRandom(seed: 0x7164_2026)
        for round in 0..<1000 {
            let text = String(decoding: random.mutate(original), as: UTF8.self)
            do {
                _ = try ConfigLoader.parse(text: text, path: "/fuzz/tierd.toml")
            } catch {
                #expect(!error.errors.isEmpty, "round \(round): an error without a message")
                for problem in error.errors {
                    #expect(problem.file == "/fuzz/tierd.toml" || problem.file.hasPrefix("/"), "round \(round): \(problem)")
                    #expect(problem.line >= 0, "round \(round): \(problem)")
                }
            }
        }
    }

    @Test func mutatedInterfaceListsLoadOrFailWithLocatedErrors() throws {
        let original = Array(ConfigFixture.minimal.replacingOccurrences(
            of: "interface = \"eth1\"\nusers_file = \"users.csv\"\n",
            with: "users_file = \"users.csv\"\n[[network.interface]]\nname = \"eth1\"\nifb = \"ifb1\"\n[[network.interface]]\nname = \"eth2\"\nifb = \"ifb2\"\n"
        ).utf8)
        var random = MutationRandom(seed: 0x1f1f_2026)
        for round in 0..<1000 {
            let text = String(decoding: random.mutate(original), as: UTF8.self)
            do {
                let network = try ConfigLoader.parse(text: text, path: "/fuzz/tierd.toml").network
                #expect(!network.interfaces.isEmpty, "round \(round)")
                #expect(Set(network.devices).count == 2 * network.interfaces.count, "round \(round): a device named twice: \(network.devices)")
            } catch {
                #expect(!error.errors.isEmpty, "round \(round): an error without a message")
            }
        }
    }

    @Test func mutatedUsersFilesLoadOrFailWithLocatedErrors() throws {
        let original = Array(try String(contentsOf: Self.examples.appendingPathComponent("users.csv"), encoding: .utf8).utf8)
        var random = MutationRandom(seed: 0x05e5_2026)
        for round in 0..<3000 {
            let text = String(decoding: random.mutate(original), as: UTF8.self)
            do {
                let records = try UsersFileLoader.parse(text: text, path: "/fuzz/users.csv", resolveUID: { _ in nil })
                #expect(Set(records.map(\.id)).count == records.count, "round \(round): duplicate ids accepted")
            } catch {
                let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
                for problem in error.errors {
                    #expect((0...lineCount).contains(problem.line), "round \(round): line \(problem.line) of \(lineCount)")
                }
            }
        }
    }
}

/// SplitMix64 plus a few byte-level mutations (flip, delete, duplicate a run, insert
/// tokens that parsers find interesting).
struct MutationRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let tokens: [[UInt8]] = [
        "=", "[", "]", "[[tier]]", "\"", ",", "\n", "#", "0", "-1", "1e309", "nan", "inf", "\"20mbit\"", "\"0s\"",
        "::", "/", "/129", "255.255.255.255", "\u{0}", "\u{FEFF}", "min_score = 1", "name = \"x\"", "\r\n",
    ].map { Array($0.utf8) }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            guard !bytes.isEmpty else { return bytes }
            let at = Int.random(in: 0..<bytes.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &self)
            case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &self)))
            case 2: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int.random(in: 1...32, using: &self))], at: at)
            default: bytes.insert(contentsOf: Self.tokens.randomElement(using: &self)!, at: at)
            }
        }
        return bytes
    }
}
