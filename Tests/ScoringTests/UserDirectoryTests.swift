import PropertyBased
import Testing
@testable import Scoring

@Suite struct UserDirectoryTests {
    /// Inserting, removing and re-inserting ids (with growth and tombstones) always agrees
    /// with a standard dictionary.
    @Test func agreesWithDictionary() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...300).array(of: 1...600), Gen.bool.array(of: 600)) { keys, removals in
            var directory = UserDirectory(seed: 42)
            var slots: [String] = []
            var reference: [String: Int] = [:]
            for (position, key) in keys.enumerated() {
                let id = "id-\(key)-with-a-longer-suffix-\(key % 7)"
                if let slot = reference[id] {
                    if removals[position] {
                        directory.remove(id, slot: slot)
                        reference[id] = nil
                        slots[slot] = ""
                    }
                } else {
                    slots.append(id)
                    directory.insert(id, slot: slots.count - 1) { slots[$0] }
                    reference[id] = slots.count - 1
                }
                #expect(directory.count == reference.count)
            }
            for key in 0...300 {
                let id = "id-\(key)-with-a-longer-suffix-\(key % 7)"
                #expect(directory.slot(of: id) { slots[$0] } == reference[id])
            }
        }
    }

    @Test func hashDependsOnEveryByte() {
        let ids = ["a", "b", "ab", "ba", "user1", "user2", "user10", "user01", "a-rather-long-user-id-0", "a-rather-long-user-id-1"]
        let hashes = Set(ids.map { UserDirectory.hash($0, seed: 1) })
        #expect(hashes.count == ids.count)
    }
}
