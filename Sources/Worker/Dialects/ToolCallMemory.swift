import DequeModule
import Synchronization

/// What an upstream said alongside recent tool calls, by tool-call id: the reasoning of a turn.
///
/// Thinking models refuse a replayed tool-call turn without the reasoning that produced it
/// (OpenAI-style `reasoning_content` for Kimi, DeepSeek, GLM; a signed `thinking` block for
/// Anthropic), and most OpenAI clients drop those fields from history. The worker remembers them
/// from the answer and re-attaches them when the turn comes back. Bounded in entries and in bytes:
/// the oldest entries go first.
final class ToolCallMemory<Value: Sendable>: Sendable {
    private struct State {
        var entries: [String: (value: Value, bytes: Int)] = [:]
        var order: Deque<String> = []
        var bytes = 0
    }

    private let state = Mutex(State())
    let capacity: Int
    let maximumBytes: Int
    private let size: @Sendable (Value) -> Int

    init(capacity: Int = 4096, maximumBytes: Int = 16 << 20, size: @escaping @Sendable (Value) -> Int) {
        self.capacity = capacity
        self.maximumBytes = maximumBytes
        self.size = size
    }

    func remember(_ value: Value, forToolCalls ids: [String]) {
        let bytes = size(value)
        guard bytes <= maximumBytes else { return }
        state.withLock { state in
            for id in ids where !id.isEmpty {
                if let previous = state.entries.updateValue((value, bytes), forKey: id) {
                    state.bytes -= previous.bytes
                } else {
                    state.order.append(id)
                }
                state.bytes += bytes
            }
            while state.order.count > capacity || state.bytes > maximumBytes, let oldest = state.order.popFirst() {
                state.bytes -= state.entries.removeValue(forKey: oldest)?.bytes ?? 0
            }
        }
    }

    func value(forToolCall id: String) -> Value? {
        state.withLock { $0.entries[id]?.value }
    }
}

/// The reasoning text of a tool-calling turn (OpenAI-compatible interleaved thinking).
typealias ReasoningCache = ToolCallMemory<String>

extension ToolCallMemory where Value == String {
    convenience init() {
        self.init(size: { $0.utf8.count })
    }
}
