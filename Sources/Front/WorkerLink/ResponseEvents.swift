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
/// writes several stream chunks in one go instead of one task switch per chunk.
final class ResponseEvents: Sendable {
    private struct State {
        var buffered: Deque<ResponseEvent> = []
        var waiter: CheckedContinuation<[ResponseEvent], Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Delivers one event; after a terminal event, later ones are dropped.
    func push(_ event: ResponseEvent) {
        let waiter: CheckedContinuation<[ResponseEvent], Never>? = state.withLock { state in
            guard !state.finished else { return nil }
            if event.isTerminal { state.finished = true }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(event)
            return nil
        }
        waiter?.resume(returning: [event])
    }

    /// Everything buffered, waiting if nothing is; empty once the terminal event was taken.
    func next() async -> [ResponseEvent] {
        if let ready = state.withLock({ state -> [ResponseEvent]? in
            guard !state.buffered.isEmpty else { return state.finished ? [] : nil }
            defer { state.buffered.removeAll() }
            return Array(state.buffered)
        }) {
            return ready
        }
        return await withCheckedContinuation { continuation in
            let ready: [ResponseEvent]? = state.withLock { state in
                if !state.buffered.isEmpty {
                    defer { state.buffered.removeAll() }
                    return Array(state.buffered)
                }
                if state.finished { return [] }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
