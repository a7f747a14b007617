import PropertyBased
import Testing
import TestSupport
@testable import TrafficControl

extension KernelTests {
    /// Ready classes (`ShaperConfiguration.spareClasses`): kept by converge, taken by newly
    /// throttled users without a class creation, refilled by `replenishSpares`, parked on
    /// removal while short, and adopted by a restart without a change.
    @Suite("Ready classes")
    struct ReadyClassTests {
        static let spares = 4

        @Test("a newly throttled user takes a ready class: rate changed in place, nothing created; the refill restores the count")
        func takeAndRefill() throws {
            let fixture = try KernelFixture(spares: Self.spares)
            var users = makeUsers(0..<10) { i in (tiers[i % 3], tiers[(i + 1) % 3]) }
            let first = try fixture.shaper.converge(to: users)
            #expect(first.errors == [])
            #expect(first.classesCreated == 2 * (users.count + Self.spares) + 2, "users' and ready classes, plus one shard class per device")
            let before = try expectExact(fixture.shaper, users, spares: Self.spares)
            let readyBefore = try readyClasses(fixture, assigned: before)

            let newcomer = makeUsers(10..<11) { _ in (tiers[2], tiers[1]) }[0]
            let take = try fixture.shaper.apply([newcomer], removing: [])
            #expect(take.errors == [])
            #expect(take.classesCreated == 0 && take.qdiscsCreated == 0 && take.classesChanged == 2, "\(take)")
            #expect(take.entriesSet == 2 * newcomer.addresses.count, "a map entry per address and direction")
            users.append(newcomer)
            let taken = try expectExact(fixture.shaper, users, spares: Self.spares - 1)
            #expect(readyBefore.download.contains(taken.download[newcomer.id]!), "the user sits in a former ready class")
            #expect(readyBefore.upload.contains(taken.upload[newcomer.id]!))
            #expect(fixture.shaper.needsSpares)

            let refill = try fixture.shaper.replenishSpares()
            #expect(refill.errors == [] && refill.classesCreated == 2 && refill.qdiscsCreated == 2, "\(refill)")
            #expect(!fixture.shaper.needsSpares)
            #expect(try fixture.shaper.replenishSpares().totalChanges == 0)
            _ = try expectExact(fixture.shaper, users, spares: Self.spares)

            // With the ready classes complete, a removed user's class is deleted...
            let removal = try fixture.shaper.apply([], removing: [users[0].id])
            #expect(removal.classesDeleted == 2 && removal.errors == [])
            users.removeFirst()
            _ = try expectExact(fixture.shaper, users, spares: Self.spares)
            // ...and while one is missing, it is parked instead.
            let second = makeUsers(11..<12) { _ in (tiers[0], tiers[0]) }[0]
            #expect(try fixture.shaper.apply([second], removing: []).classesCreated == 0)
            let parked = try fixture.shaper.apply([], removing: [users[0].id])
            #expect(parked.classesDeleted == 0 && parked.classesChanged == 2 && parked.entriesDeleted > 0 && parked.errors == [], "\(parked)")
            users.removeFirst()
            users.append(second)
            _ = try expectExact(fixture.shaper, users, spares: Self.spares)
            #expect(try fixture.shaper.converge(to: users).totalChanges == 0)
        }

        @Test("a restart adopts ready classes without a change; fewer configured ones are deleted, more are created")
        func restartAndResize() throws {
            let fixture = try KernelFixture(spares: Self.spares)
            let users = makeUsers(0..<6) { i in (tiers[i % 3], i % 2 == 0 ? tiers[1] : nil) }
            #expect(try fixture.shaper.converge(to: users).errors == [])
            let original = try expectExact(fixture.shaper, users, spares: Self.spares)
            func restarted(_ spares: Int) throws -> Shaper {
                let shaper = try Shaper(ShaperConfiguration(interface: fixture.network.serverInterface, ifb: fixture.ifbName,
                                                            namespace: fixture.network.serverNS, spareClasses: spares))
                try shaper.prepare()
                return shaper
            }
            let same = try restarted(Self.spares)
            let adoption = try same.converge(to: users)
            #expect(adoption.totalChanges == 0 && adoption.errors == [], "\(adoption)")

            let fewer = try restarted(1)
            let shrink = try fewer.converge(to: users)
            #expect(shrink.classesDeleted == 2 * (Self.spares - 1) && shrink.classesCreated == 0 && shrink.errors == [], "\(shrink)")
            _ = try expectExact(fewer, users, spares: 1)

            let more = try restarted(3)
            let grow = try more.converge(to: users)
            #expect(grow.classesCreated == 2 * 2 && grow.classesDeleted == 0 && grow.errors == [], "\(grow)")
            // Resizing leaves the users' classes alone: same handles as before.
            let after = try expectExact(more, users, spares: 3)
            #expect(after.download == original.download && after.upload == original.upload)
        }

        @Test("random incremental changes with refills keep the kernel exact; a full converge afterwards changes nothing")
        func randomSequencesWithReadyClasses() async throws {
            let fixture = try KernelFixture(spares: 3)
            await propertyCheck(count: 15, input: Gen.int(in: 0...100_000).array(of: 1...16)) { codes in
                var users: [Int: ShapedUser] = [:]
                for code in codes.prefix(4) { UserOperation.add((code >> 2) % 24).apply(to: &users) }
                #expect(try fixture.shaper.converge(to: users.keys.sorted().map { users[$0]! }).errors == [])
                for (position, operation) in codes.map(UserOperation.init).enumerated() {
                    operation.apply(to: &users)
                    let index: Int = switch operation {
                    case .add(let user), .remove(let user), .changeAddresses(let user, _), .retier(let user, _): user
                    }
                    let report = try users[index].map { try fixture.shaper.apply([$0], removing: []) }
                        ?? fixture.shaper.apply([], removing: ["u\(index)"])
                    #expect(report.errors == [], "\(operation)")
                    // Refill only now and then, so that sequences run the pool dry and park classes.
                    if position % 3 == 2 { #expect(try fixture.shaper.replenishSpares().errors == []) }
                }
                #expect(try fixture.shaper.replenishSpares().errors == [])
                let desired = users.keys.sorted().map { users[$0]! }
                _ = try expectExact(fixture.shaper, desired, spares: 3)
                let full = try fixture.shaper.converge(to: desired)
                #expect(full.totalChanges == 0 && full.errors == [], "\(codes.map(UserOperation.init)): \(full)")
            }
        }

        /// Handles of the classes without a user, per direction.
        private func readyClasses(_ fixture: KernelFixture, assigned: (download: [String: UInt32], upload: [String: UInt32])) throws -> (download: Set<UInt32>, upload: Set<UInt32>) {
            let state = try fixture.shaper.readState()
            func ready(_ direction: DirectionState, _ used: [String: UInt32]) -> Set<UInt32> {
                Set(direction.classes.filter { Layout.shardIndex(ofInner: $0.handle) != nil }.map(\.handle)).subtracting(used.values)
            }
            return (ready(state.download, assigned.download), ready(state.upload, assigned.upload))
        }
    }
}
