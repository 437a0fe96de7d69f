import Synchronization

/// Measured time to first byte per model (`provider/model`), as an exponentially weighted average:
/// what the `fastest` route strategy sorts by, and what the dashboard will show.
final class LatencyTracker: Sendable {
    private let averages = Mutex<[String: Double]>([:])
    private let weight = 0.3

    func record(_ model: String, seconds: Double) {
        averages.withLock { averages in
            averages[model] = averages[model].map { $0 + weight * (seconds - $0) } ?? seconds
        }
    }

    func timeToFirstByte(_ model: String) -> Double? {
        averages.withLock { $0[model] }
    }
}
