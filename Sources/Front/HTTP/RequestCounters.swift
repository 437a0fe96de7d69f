import Synchronization

/// Counts chat requests the front has taken and finished, so `/health` can show what is in flight
/// (and a drain or a stuck request is visible from outside).
final class RequestCounters: Sendable {
    private let counts = Mutex((received: 0, finished: 0))

    func received() { counts.withLock { $0.received += 1 } }
    func finished() { counts.withLock { $0.finished += 1 } }

    var snapshot: (total: Int, inFlight: Int) {
        counts.withLock { ($0.received, $0.received - $0.finished) }
    }
}
