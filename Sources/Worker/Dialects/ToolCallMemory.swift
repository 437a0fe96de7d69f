import DequeModule
import Synchronization

/// What an upstream said alongside recent tool calls, by tool-call id: the reasoning of a turn.
///
/// Thinking models refuse a replayed tool-call turn without the reasoning that produced it
/// (OpenAI-style `reasoning_content` for Kimi, DeepSeek, GLM; a signed `thinking` block for
/// Anthropic), and most OpenAI clients drop those fields from history. The worker remembers them
/// from the answer and re-attaches them when the turn comes back. Bounded: the oldest entries go.
final class ToolCallMemory<Value: Sendable>: Sendable {
    private struct State {
        var entries: [String: Value] = [:]
        var order: Deque<String> = []
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    func remember(_ value: Value, forToolCalls ids: [String]) {
        state.withLock { state in
            for id in ids where !id.isEmpty {
                if state.entries.updateValue(value, forKey: id) == nil { state.order.append(id) }
            }
            while state.order.count > capacity, let oldest = state.order.popFirst() {
                state.entries[oldest] = nil
            }
        }
    }

    func value(forToolCall id: String) -> Value? {
        state.withLock { $0.entries[id] }
    }
}

/// The reasoning text of a tool-calling turn (OpenAI-compatible interleaved thinking).
typealias ReasoningCache = ToolCallMemory<String>
