import DequeModule
import NIOCore
import Shared
import Synchronization

/// What the front hears about one request from its worker.
enum ResponseEvent: Sendable {
    case head(ResponseHead)
    case chunk(ByteBuffer)
    case end
    case failure(GatewayError)
    /// The tokens the answer used; arrives just before `end`.
    case usage(UsageReport)

    var isTerminal: Bool {
        switch self {
        case .end, .failure: return true
        case .head, .chunk, .usage: return false
        }
    }
}

/// A single-consumer queue from the worker connection's event loop to one request handler.
///
/// `next()` hands over everything that arrived since the last call, so a handler that fell behind
/// writes several stream chunks in one go instead of one task switch per chunk. A waiting handler is
/// woken by the first event and takes what is buffered when it runs: the frames that came in the
/// same read as a stream's head (often the whole of a short answer) arrive with it.
final class ResponseEvents: Sendable {
    private struct State {
        var buffered: Deque<ResponseEvent> = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false

        mutating func take() -> [ResponseEvent]? {
            guard !buffered.isEmpty else { return finished ? [] : nil }
            defer { buffered.removeAll() }
            return Array(buffered)
        }
    }

    private let state = Mutex(State())

    /// Whether a handler is waiting for the next event (for tests: the moment to push).
    var hasWaiter: Bool { state.withLock { $0.waiter != nil } }

    /// Delivers one event; after a terminal event, later ones are dropped.
    func push(_ event: ResponseEvent) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.finished else { return nil }
            if event.isTerminal { state.finished = true }
            state.buffered.append(event)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Everything buffered, waiting if nothing is; empty once the terminal event was taken.
    func next() async -> [ResponseEvent] {
        while true {
            if let ready = state.withLock({ $0.take() }) { return ready }
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if !state.buffered.isEmpty || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}
