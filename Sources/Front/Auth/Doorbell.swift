import Synchronization

/// Wakes one waiter early: `wait(upTo:)` returns at the next `ring()` or after the time given, and a ring
/// with nobody waiting is kept for the next wait (no change announced between two looks is missed).
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter.take() else {
                state.rung = true
                return CheckedContinuation<Void, Never>?.none
            }
            return waiter
        }
        waiter?.resume()
    }

    func wait(upTo timeout: Duration) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.ring()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { continuation in
            let already = state.withLock { state in
                if state.rung {
                    state.rung = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if already { continuation.resume() }
        }
        // Rings that came while this wait was waking are covered by the reload that follows it.
        state.withLock { $0.rung = false }
    }
}
