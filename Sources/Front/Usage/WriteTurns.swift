import Synchronization

/// Lets one writer at a time through an async section, the others waiting their turn in order: two
/// flushes of the usage recorder never interleave, so a report that flushed first finds every record
/// taken before it written, and the spool is replayed by one writer.
final class WriteTurns: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func run<Result>(_ work: () async throws -> Result) async rethrows -> Result {
        await withCheckedContinuation { continuation in
            let mayGo = state.withLock { state in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if mayGo { continuation.resume() }
        }
        defer {
            let next = state.withLock { state in
                guard !state.waiting.isEmpty else {
                    state.busy = false
                    return CheckedContinuation<Void, Never>?.none
                }
                return state.waiting.removeFirst()
            }
            next?.resume()
        }
        return try await work()
    }
}
