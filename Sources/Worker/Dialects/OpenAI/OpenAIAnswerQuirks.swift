import FoundationEssentials
import Shared

/// The answer-side quirks of an OpenAI-compatible provider: reasoning published under another
/// name (`reasoning` on Groq, Cerebras, OpenRouter) is renamed `reasoning_content`, and the
/// reasoning of tool-calling turns is remembered for `ReasoningCache`.
struct OpenAIAnswerQuirks {
    let reasoningField: String?
    let reasoning: ReasoningCache?
    private let fieldPattern: [UInt8]
    private var streamedReasoning = ""
    private var streamedToolCalls: [String] = []

    init(reasoningField: String?, reasoning: ReasoningCache?) {
        self.reasoningField = reasoningField
        self.reasoning = reasoning
        self.fieldPattern = Array("\"\(reasoningField ?? "")\"".utf8)
    }

    var isEmpty: Bool { reasoningField == nil && reasoning == nil }

    /// One stream event's JSON, rewritten if needed. Most events contain neither pattern and are
    /// returned untouched without being parsed.
    mutating func event(_ data: [UInt8]) -> [UInt8] {
        var data = data
        if reasoningField != nil, data.firstRange(of: fieldPattern) != nil {
            data = renamed(data, container: "delta")
        }
        if reasoning != nil,
           data.firstRange(of: Array(#""reasoning_content""#.utf8)) != nil || data.firstRange(of: Array(#""tool_calls""#.utf8)) != nil,
           let chunk = try? JSONDecoder().decode(ChunkProbe.self, from: Data(data)) {
            for choice in chunk.choices ?? [] where (choice.index ?? 0) == 0 {
                streamedReasoning += choice.delta?.reasoning_content ?? ""
                streamedToolCalls += (choice.delta?.tool_calls ?? []).compactMap(\.id)
            }
        }
        return data
    }

    /// The stream ended: its reasoning now belongs to its tool calls.
    func finishStream() {
        reasoning?.remember(streamedReasoning, forToolCalls: streamedToolCalls)
    }

    func body(_ data: [UInt8]) -> [UInt8] {
        var data = data
        if reasoningField != nil, data.firstRange(of: fieldPattern) != nil {
            data = renamed(data, container: "message")
        }
        if let reasoning, let answer = try? JSONDecoder().decode(AnswerProbe.self, from: Data(data)),
           let message = answer.choices?.first?.message, let text = message.reasoning_content {
            reasoning.remember(text, forToolCalls: (message.tool_calls ?? []).compactMap(\.id))
        }
        return data
    }

    private func renamed(_ data: [UInt8], container: String) -> [UInt8] {
        guard let field = reasoningField, case .object(var answer) = try? JSONValue.decode(data),
              case .array(let choices) = answer["choices"] else { return data }
        answer["choices"] = .array(choices.map { choice in
            guard case .object(var choice) = choice, case .object(var inner) = choice[container],
                  let value = inner.removeValue(forKey: field) else { return choice }
            if inner["reasoning_content"] == nil, case .string = value { inner["reasoning_content"] = value }
            choice[container] = .object(inner)
            return .object(choice)
        })
        return JSONValue.object(answer).encoded()
    }

    private struct ToolCallProbe: Decodable { var id: String? }

    private struct ChunkProbe: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable {
                var reasoning_content: String?
                var tool_calls: [ToolCallProbe]?
            }
            var index: Int?
            var delta: Delta?
        }
        var choices: [Choice]?
    }

    private struct AnswerProbe: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var reasoning_content: String?
                var tool_calls: [ToolCallProbe]?
            }
            var message: Message?
        }
        var choices: [Choice]?
    }
}
