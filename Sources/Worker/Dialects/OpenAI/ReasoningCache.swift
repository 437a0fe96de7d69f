import DequeModule
import Synchronization

/// The reasoning text of recent assistant turns that called tools, by tool-call id.
///
/// Interleaved-thinking models (Kimi, DeepSeek, GLM) refuse a replayed tool-call turn without its
/// `reasoning_content`, and most OpenAI clients drop that field from history. The worker remembers
/// it from the answer and re-attaches it when the turn comes back. Bounded: the oldest entries go.
final class ReasoningCache: Sendable {
    private struct State {
        var entries: [String: String] = [:]
        var order: Deque<String> = []
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    func remember(_ reasoning: String, forToolCalls ids: [String]) {
        guard !reasoning.isEmpty else { return }
        state.withLock { state in
            for id in ids where !id.isEmpty {
                if state.entries.updateValue(reasoning, forKey: id) == nil { state.order.append(id) }
            }
            while state.order.count > capacity, let oldest = state.order.popFirst() {
                state.entries[oldest] = nil
            }
        }
    }

    func reasoning(forToolCall id: String) -> String? {
        state.withLock { $0.entries[id] }
    }
}
