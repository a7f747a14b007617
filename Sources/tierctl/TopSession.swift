import ArgumentParser
import Control
import Dispatch
import Foundation
import Glibc

/// The interactive `tierctl top`: one stream of events (keys, ticks, resizes, signals)
/// drives fetching, redrawing and quitting, so the terminal is restored on every way out.
struct TopSession {
    let client: ControlClient
    let interval: Double

    enum Event: Sendable {
        case key(UInt8)
        case tick
        case resize
        case quit
    }

    func run(_ view: inout TopView) async throws {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        // Keys: a blocking read(2) on a thread of its own (stdin is a terminal in
        // non-canonical mode, one byte per key); it ends with the process.
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 { continuation.yield(.key(byte)) }
            continuation.yield(.quit)
        }
        let signals = [SIGINT, SIGTERM, SIGHUP, SIGWINCH].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number == SIGWINCH ? .resize : .quit) }
            source.resume()
            return source
        }
        let ticker = Task {
            while !Task.isCancelled {
                continuation.yield(.tick)
                try? await Task.sleep(for: .seconds(interval))
            }
        }
        let terminal = Terminal()
        terminal.enter()
        defer {
            terminal.restore()
            ticker.cancel()
            signals.forEach { $0.cancel() }
        }
        var previous: CounterSample?
        var current: CounterSample?
        var rows: [TopRow] = []
        var problem: String?
        for await event in events {
            switch event {
            case .quit:
                return
            case .resize:
                break
            case .key(let key):
                let tiers = Array(Set(current?.tiers ?? [])).filter { !$0.isEmpty }.sorted()
                switch view.handle(key, tiers: tiers) {
                case .quit: return
                case .none: continue
                case .redraw: break
                }
            case .tick:
                do {
                    let reply = try await client.send(.counters).reply
                    switch reply {
                    case .counters(let sample):
                        problem = nil
                        if sample.takenAt != current?.takenAt {
                            previous = current
                            current = sample
                            rows = TopRates.rows(previous: previous, current: sample)
                        }
                    case .failure(let error):
                        terminal.restore()
                        Output.error("\(error.code): \(error.message)")
                        throw ExitCode(error.code.exitCode)
                    default:
                        problem = "unexpected reply"
                    }
                } catch let error as ControlClientError {
                    problem = error.description  // keep showing the last numbers; retry next tick
                }
            }
            let size = Terminal.size()
            // The daemon may serve a shared sample for longer than our interval (it reuses one
            // for 4 dump times at large sizes): say over how long the rates really are.
            var measured = "rates from the next sample"
            if let previous, let current {
                measured = "rates over \(Formatting.number(((current.takenAt - previous.takenAt) * 10).rounded() / 10))s"
            }
            let status = problem.map { "tierctl top: \($0)" } ?? "tierctl top  every \(Formatting.number(interval))s  \(measured)"
            terminal.draw(view.frame(rows, width: size.width, height: size.height, status: status))
        }
    }
}
