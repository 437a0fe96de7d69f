import Foundation
import Synchronization

/// Steady concurrent traffic to one model while a test breaks something else; records every outcome.
final class LoadLoop: Sendable {
    struct Outcome: Sendable {
        var status: Int
        var seconds: Double
        var body: String
    }

    private let outcomes = Mutex<[Outcome]>([])
    private let running = Mutex(true)
    private let tasks: Mutex<[Task<Void, Never>]> = Mutex([])

    init(gateway: GatewayProcess, model: String, concurrency: Int = 4) {
        let body = chatBody(model: model)
        let list = (0..<concurrency).map { _ in
            Task { [self] in
                while running.withLock({ $0 }) {
                    let started = Date()
                    let response = await gateway.chat(body)
                    let seconds = Date().timeIntervalSince(started)
                    outcomes.withLock {
                        $0.append(Outcome(status: response.status, seconds: seconds, body: response.status == 200 ? "" : response.text))
                    }
                }
            }
        }
        tasks.withLock { $0 = list }
    }

    /// Stops sending and returns every outcome.
    func stop() async -> [Outcome] {
        running.withLock { $0 = false }
        for task in tasks.withLock({ $0 }) { await task.value }
        return outcomes.withLock { $0 }
    }

    var count: Int { outcomes.withLock { $0.count } }

    /// Drops what was recorded so far (e.g. warm-up).
    func reset() { outcomes.withLock { $0.removeAll() } }

    static func percentile(_ outcomes: [Outcome], _ p: Double) -> Double {
        let sorted = outcomes.map(\.seconds).sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
