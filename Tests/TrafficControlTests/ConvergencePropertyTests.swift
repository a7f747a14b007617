import PropertyBased
import Testing
import TestSupport
@testable import TrafficControl

/// One random step applied to the wanted users.
enum UserOperation: CustomStringConvertible {
    case add(Int)
    case remove(Int)
    case changeAddresses(Int, seed: Int)
    case retier(Int, seed: Int)

    /// Decodes a generated integer: low 2 bits pick the operation, the rest the user and variant.
    init(_ code: Int) {
        let user = (code >> 2) % 24
        switch code & 3 {
        case 0: self = .add(user)
        case 1: self = .remove(user)
        case 2: self = .changeAddresses(user, seed: code >> 7)
        default: self = .retier(user, seed: code >> 7)
        }
    }

    var description: String {
        switch self {
        case .add(let user): "add u\(user)"
        case .remove(let user): "remove u\(user)"
        case .changeAddresses(let user, let seed): "addresses u\(user) #\(seed)"
        case .retier(let user, let seed): "retier u\(user) #\(seed)"
        }
    }

    /// Addresses for a user and variant: unique per (user, variant), mixing families and prefix lengths.
    static func addresses(user: Int, variant: Int) -> [IPPrefix] {
        let v = variant % 5
        let texts: [String] = switch v {
        case 0: ["10.40.\(user).\(v + 1)"]
        case 1: ["10.40.\(user).\(v + 1)", "fd00:40::\(String(user, radix: 16)):\(v)"]
        case 2: ["fd00:41:\(String(user, radix: 16)):\(v)::/64"]
        case 3: ["10.41.\(user).\(v * 4)/30", "fd00:42:\(String(user, radix: 16))::/48"]
        default: ["fd00:40::\(String(user, radix: 16)):\(v)", "10.40.\(user).\(v + 1)", "10.42.\(user).0/24"]
        }
        return texts.map { IPPrefix($0)! }
    }

    static let rates: [UInt64?] = [nil, 1_000_000, 3_000_000, 10_000_000, 100_000_000]

    func apply(to users: inout [Int: ShapedUser]) {
        switch self {
        case .add(let user):
            users[user] = ShapedUser(id: "u\(user)", addresses: Self.addresses(user: user, variant: user),
                                     download: Self.rates[user % 5], upload: Self.rates[(user + 2) % 5])
        case .remove(let user):
            users[user] = nil
        case .changeAddresses(let user, let seed):
            users[user]?.addresses = Self.addresses(user: user, variant: seed)
        case .retier(let user, let seed):
            users[user]?.download = Self.rates[seed % 5]
            users[user]?.upload = Self.rates[(seed / 5) % 5]
        }
    }
}

extension KernelTests {
    @Suite("Convergence properties")
    struct ConvergencePropertyTests {
        @Test("random add/remove/address/tier sequences always end with kernel state == desired")
        func randomSequences() async throws {
            let fixture = try KernelFixture()
            await propertyCheck(count: 25, input: Gen.int(in: 0...100_000).array(of: 1...12)) { codes in
                // Every run starts from an empty tree.
                #expect(try fixture.shaper.converge(to: []).errors == [])
                var users: [Int: ShapedUser] = [:]
                for operation in codes.map(UserOperation.init) {
                    operation.apply(to: &users)
                    let desired = users.keys.sorted().map { users[$0]! }
                    let report = try fixture.shaper.converge(to: desired)
                    #expect(report.errors == [], "\(operation)")
                    _ = try expectExact(fixture.shaper, desired)
                    let repeated = try fixture.shaper.converge(to: desired)
                    #expect(repeated.totalChanges == 0, "\(operation): \(repeated)")
                }
            }
        }
    }
}
