import PropertyBased
import Testing
@testable import Scoring

@Suite struct BatchApplyTests {
    /// The batched path (pipelined lookups) must be indistinguishable from event-by-event apply,
    /// including unknown users, out-of-order events and tier changes.
    @Test func batchEqualsOneByOne() async {
        await propertyCheck(
            count: 100,
            input: Gen.int(in: 0...40).array(of: 0...120), Gen.double(in: 0...1500).array(of: 120),
            Gen.int(in: -50...50).array(of: 120)
        ) { users, scores, timestamps in
            let ids = (0..<30).map { "u\($0)" }
            let events = users.enumerated().map { position, user in
                ScoreEvent(
                    user: "u\(user)",
                    change: position % 3 == 0 ? .delta(scores[position] - 750) : .set(scores[position]),
                    timestamp: timestamps[position] > 0 ? t0 + Double(timestamps[position]) : nil)
            }
            let policy = makePolicy(halfLife: 300, hysteresis: 20, minDwell: 10, staleAfter: 600)
            var single = ScoringEngine(policy: policy, users: ids, now: t0)
            var batched = ScoringEngine(policy: policy, users: ids, now: t0)
            let expected = events.map { single.apply($0, now: t0 + 60) }
            let outcomes = batched.apply(contentsOf: events, now: t0 + 60)
            #expect(outcomes == expected)
            #expect(batched.evaluations == single.evaluations)
            for id in ids { #expect(batched.status(of: id, now: t0 + 60) == single.status(of: id, now: t0 + 60)) }
        }
    }
}
