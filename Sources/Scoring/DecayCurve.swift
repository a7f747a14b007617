#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Exponential decay of a score toward the baseline, evaluated in closed form.
///
/// A score `raw` recorded at `setAt` is worth `baseline + (raw - baseline) * 2^(-(t - setAt) / halfLife)`
/// at instant `t`. Because this is exact at any instant, the engine never needs periodic
/// updates, and the instant a threshold is crossed can be solved for analytically.
/// The value moves monotonically toward the baseline and never passes it.
struct DecayCurve: Sendable, Equatable {
    let baseline: Double
    /// Seconds; 0 disables decay.
    let halfLife: Double

    /// The decayed value at `time`. Instants before `setAt` (a feed timestamp in the
    /// future) see the raw value: decay never runs backwards.
    @inline(__always)
    func value(raw: Double, setAt: Double, at time: Double) -> Double {
        guard halfLife > 0, time > setAt else { return raw }
        return baseline + (raw - baseline) * exp2(-(time - setAt) / halfLife)
    }

    /// Earliest instant `>= from` at which the decayed value is `>= level`, or nil if never.
    func firstInstant(atOrAbove level: Double, raw: Double, setAt: Double, from: Double) -> Double? {
        if value(raw: raw, setAt: setAt, at: from) >= level { return from }
        // Rising only happens from below the baseline, and never reaches it.
        guard halfLife > 0, raw < level, level < baseline else { return nil }
        let estimate = setAt + halfLife * log2((raw - baseline) / (level - baseline))
        return refine(estimate, from: from) { value(raw: raw, setAt: setAt, at: $0) >= level }
    }

    /// Earliest instant `>= from` at which the decayed value is `< level`, or nil if never.
    func firstInstant(below level: Double, raw: Double, setAt: Double, from: Double) -> Double? {
        if value(raw: raw, setAt: setAt, at: from) < level { return from }
        // Falling only happens from above the baseline, and never reaches it.
        guard halfLife > 0, raw >= level, level > baseline else { return nil }
        let estimate = setAt + halfLife * log2((raw - baseline) / (level - baseline))
        return refine(estimate, from: from) { value(raw: raw, setAt: setAt, at: $0) < level }
    }

    /// The analytic estimate can miss by a few ulps; step forward (doubling the step)
    /// until the condition really holds, so evaluating at the returned instant is guaranteed
    /// to see the crossing.
    private func refine(_ estimate: Double, from: Double, _ holds: (Double) -> Bool) -> Double? {
        guard estimate.isFinite else { return nil }
        var time = max(estimate, from)
        var step = max(time.ulp, Double.leastNormalMagnitude)
        for _ in 0..<128 {
            if holds(time) { return time }
            time += step
            step *= 2
        }
        return nil
    }
}
