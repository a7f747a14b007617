import Foundation
import Testing
@testable import Control

/// Deterministic fuzzing of the control request decoder: whatever a local client sends,
/// decoding either yields a request (which then validates or not) or throws; never a crash.
struct RequestDecodingFuzzTests {
    @Test func randomAndMutatedRequestsNeverCrashTheDecoder() {
        let seeds = [
            #"{"cmd":"status"}"#, #"{"cmd":"status","user":"alice"}"#, #"{"cmd":"explain","user":"alice"}"#,
            #"{"cmd":"override","user":"alice","tier":"full","for":"2h","reason":"x"}"#, #"{"cmd":"clear","user":"a"}"#,
            #"{"cmd":"reload"}"#, #"{"cmd":"metrics"}"#, #"{"cmd":"health"}"#,
        ].map { Array($0.utf8) }
        var state: UInt64 = 0xC0_17_2026
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var decoded = 0
        for _ in 0..<5000 {
            var bytes = seeds[Int(next() % UInt64(seeds.count))]
            for _ in 0..<Int(next() % 4) + 1 {
                let at = Int(next() % UInt64(bytes.count))
                switch next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: next())
                case 1: bytes.remove(at: at)
                default: bytes.insert(contentsOf: Array(#"{"[]:,"\#u{0}"#.utf8).shuffled(), at: at)
                }
                if bytes.isEmpty { bytes = [0x7b] }
            }
            let line = String(decoding: bytes, as: UTF8.self)
            if let request = try? ControlWire.decode(ControlRequest.self, from: line) {
                decoded += 1
                _ = try? request.validate()
            }
        }
        // The mutations keep some requests intact, so the decoder's success path runs too.
        #expect(decoded > 0)
    }
}
