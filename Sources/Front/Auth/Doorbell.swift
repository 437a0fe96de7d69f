import Synchronization

/// Wakes one waiter early: `wait(upTo:)` returns at the next `ring()` or after the time given, and a ring
/// with nobody waiting is kept for the next wait (no change announced between two looks is missed).
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter.take() else {
                state.rung = true
                return CheckedContinuation<Void, Never>?.none
            }
            return waiter.continuation
        }
        waiter?.resume()
    }

    func wait(upTo timeout: Duration) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        // The timeout wakes this wait only: it is not a ring, and a cancelled timer does nothing.
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.state.withLock { state in state.waiter?.id == id ? state.waiter.take()?.continuation : nil }?.resume()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { continuation in
            let already = state.withLock { state in
                if state.rung {
                    state.rung = false
                    return true
                }
                state.waiter = (id, continuation)
                return false
            }
            if already { continuation.resume() }
        }
    }
}
