import Foundation
import Testing
import TestSupport
@testable import TrafficControl

/// The embedded BPF object and its source, and the classifier's map keys.
@Suite("BPF classifier object")
struct ClassifierObjectTests {
    /// The repository's root (this file is Tests/TrafficControlTests/...).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("the committed object is what scripts/gen-bpf.sh builds from bpf/classify.bpf.c")
    func objectMatchesSource() throws {
        // The Swift toolchain ships clang with the bpf target; without it there is nothing to compare.
        let clang = try? CommandRunner.run(["/bin/sh", "-c", "command -v clang"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(clang?.isEmpty == false, "clang is needed to rebuild the classifier")
        let generated = try CommandRunner.run(["bash", Self.root + "/scripts/gen-bpf.sh", "--print"])
        let committed = try String(contentsOfFile: Self.root + "/Sources/CTierdBPF/classify_object.c", encoding: .utf8)
        // The compiler line may differ in wording between toolchain builds; the bytes may not.
        let strip = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("// clang") }.joined(separator: "\n") }
        #expect(strip(generated) == strip(committed), "run scripts/gen-bpf.sh after changing bpf/classify.bpf.c")
    }

    @Test("the version names the embedded object")
    func versionIsTheDigest() {
        #expect(Classifier.version.count == 12 && Classifier.version.allSatisfy(\.isHexDigit))
        #expect(Classifier.program(named: "tierd_down:\(Classifier.version)")! == (.down, true))
        #expect(Classifier.program(named: "tierd_up:000000000000")! == (.up, false))
        #expect(Classifier.program(named: "cilium_tc") == nil)
    }

    @Test("hosts go to hash maps by address, prefixes to tries with their length first; keys decode back")
    func mapKeys() {
        let cases = ["10.1.2.3", "10.1.2.0/30", "2001:db8::1", "2001:db8:aa::/48", "0.0.0.0/1"]
        for text in cases {
            let prefix = IPPrefix(text)!
            let kind = AddressMapKey.kind(of: prefix)
            let key = AddressMapKey.key(prefix)
            #expect(key.count == kind.keySize, "\(text)")
            #expect(AddressMapKey.prefix(key, kind: kind) == prefix, "\(text)")
        }
        #expect(AddressMapKey.key(IPPrefix("10.1.2.0/30")!) == [30, 0, 0, 0, 10, 1, 2, 0])
        // A host key in a trie is not something tierd writes: read back as foreign.
        #expect(AddressMapKey.prefix([32, 0, 0, 0, 10, 1, 2, 3], kind: .net4) == nil)
        #expect(AddressMapKey.prefix([1, 2, 3], kind: .host4) == nil)
    }
}

extension KernelTests {
    @Suite("Classifier loading")
    struct ClassifierLoadingTests {
        @Test("the object loads: three programs, ten maps; a second load can reuse the maps")
        func loads() throws {
            let first = try Classifier.load()
            #expect(first.isComplete)
            #expect(Classifier.Program.allCases.allSatisfy { first.programID($0) != nil })
            let maps = try #require(first.addressMaps(.destination))
            #expect(maps.set(IPPrefix("10.0.0.1")!, 0x7200_0001) == nil)
            let second = try Classifier.load(reusing: first)
            #expect(second.programID(.down) != first.programID(.down))
            #expect(try second.addressMaps(.destination)?.read().entries == [IPPrefix("10.0.0.1")!: 0x7200_0001])
        }
    }
}
