import PropertyBased
import Testing
import TestSupport
@testable import TrafficControl

extension KernelTests {
    @Suite("Incremental apply")
    struct IncrementalApplyTests {
        /// What `apply` is given for one step: the new shaping of the touched user, or its removal.
        private static func step(_ operation: UserOperation, users: [Int: ShapedUser], shaper: Shaper) throws -> ConvergeReport {
            let index: Int = switch operation {
            case .add(let user), .remove(let user), .changeAddresses(let user, _), .retier(let user, _): user
            }
            if let user = users[index] { return try shaper.apply([user], removing: []) }
            return try shaper.apply([], removing: ["u\(index)"])
        }

        @Test("random incremental changes keep the kernel exact; a full converge afterwards changes nothing")
        func randomIncrementalSequences() async throws {
            let fixture = try KernelFixture()
            await propertyCheck(count: 20, input: Gen.int(in: 0...100_000).array(of: 1...16)) { codes in
                var users: [Int: ShapedUser] = [:]
                for code in codes.prefix(4) { UserOperation.add((code >> 2) % 24).apply(to: &users) }
                #expect(try fixture.shaper.converge(to: users.keys.sorted().map { users[$0]! }).errors == [])
                #expect(fixture.shaper.canApplyIncrementally)
                for operation in codes.map(UserOperation.init) {
                    operation.apply(to: &users)
                    let report = try Self.step(operation, users: users, shaper: fixture.shaper)
                    #expect(report.errors == [], "\(operation)")
                    #expect(fixture.shaper.canApplyIncrementally, "\(operation)")
                }
                let desired = users.keys.sorted().map { users[$0]! }
                _ = try expectExact(fixture.shaper, desired)
                let full = try fixture.shaper.converge(to: desired)
                #expect(full.totalChanges == 0 && full.errors == [], "\(codes.map(UserOperation.init)): \(full)")
            }
        }

        @Test("users added one by one spread over new shards exactly as a full converge would keep them")
        func growthAcrossShards() throws {
            let fixture = try KernelFixture()
            #expect(try fixture.shaper.converge(to: []).errors == [])
            let users = makeUsers(0..<320) { i in (tiers[i % tiers.count], i % 3 == 0 ? nil : tiers[(i + 1) % tiers.count]) }
            for user in users {
                let report = try fixture.shaper.apply([user], removing: [])
                #expect(report.errors == [], "\(user.id)")
            }
            let classes = try expectExact(fixture.shaper, users)
            #expect(Set(classes.download.values.map { $0 >> 16 }).count == Layout.shardCount(forUsers: users.count))
            // Re-tier everyone in place, then unthrottle half: only changes and deletions.
            var retiered = users.map { user in
                var user = user
                user.download = user.download.map { $0 == tiers[0] ? tiers[1] : tiers[0] }
                return user
            }
            let change = try fixture.shaper.apply(retiered, removing: [])
            #expect(change.classesCreated == 0 && change.classesDeleted == 0 && change.classesChanged == users.count)
            let removed = retiered.indices.filter { $0 % 2 == 0 }.map { retiered[$0].id }
            let removal = try fixture.shaper.apply([], removing: removed)
            #expect(removal.classesCreated == 0 && removal.entriesSet == 0 && removal.errors == [])
            retiered = retiered.filter { !removed.contains($0.id) }
            let after = try expectExact(fixture.shaper, retiered)
            for user in retiered { #expect(after.download[user.id] == classes.download[user.id], "\(user.id) kept its class") }
            #expect(try fixture.shaper.converge(to: retiered).totalChanges == 0)
        }

        @Test("a kernel refusal drops the cached model; the next full converge repairs")
        func refusalDropsModel() throws {
            let fixture = try KernelFixture()
            let users = makeUsers(0..<8) { i in (tiers[i % 3], nil) }
            #expect(try fixture.shaper.converge(to: users).errors == [])
            let classes = try expectExact(fixture.shaper, users)
            // The first apply builds the cached model (from one dump); later ones trust it.
            #expect(try fixture.shaper.apply([users[1]], removing: []).totalChanges == 0)
            // Someone deletes user0's class (filters first, as the kernel requires) behind tierd's back.
            let handle = classes.download["user0"]!
            let device = fixture.network.serverInterface
            _ = try fixture.network.run(fixture.network.serverNS, ["tc", "filter", "del", "dev", device, "parent", TCHandle.text(handle & 0xFFFF_0000)])
            _ = try fixture.network.run(fixture.network.serverNS, ["tc", "class", "del", "dev", device, "classid", TCHandle.text(handle)])
            var changed = users[0]
            changed.download = tiers[4]
            let report = try fixture.shaper.apply([changed], removing: [])
            #expect(!report.errors.isEmpty, "the cached model still had the class: the change must fail; \(report)")
            #expect(!fixture.shaper.canApplyIncrementally)
            #expect(throws: TrafficControlError.self) { try fixture.shaper.apply([changed], removing: []) }
            let desired = [changed] + users.dropFirst()
            let repair = try fixture.shaper.converge(to: desired)
            #expect(repair.errors == [] && repair.classesCreated >= 1)
            _ = try expectExact(fixture.shaper, desired)
            #expect(fixture.shaper.canApplyIncrementally)
        }
    }
}
