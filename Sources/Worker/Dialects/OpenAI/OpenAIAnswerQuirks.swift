import FoundationEssentials
import Shared

/// The answer-side quirks of an OpenAI-compatible provider: reasoning published under another
/// name (`reasoning` on Groq, Cerebras, OpenRouter) or as content blocks (Magistral) becomes
/// `reasoning_content`, and the reasoning of tool-calling turns is remembered for `ReasoningCache`.
struct OpenAIAnswerQuirks {
    let reasoningField: String?
    let contentBlocks: Bool
    let reasoning: ReasoningCache?
    /// Byte patterns whose presence means an answer needs rewriting; answers without them are not parsed.
    private let patterns: [[UInt8]]
    private var streamedReasoning = ""
    private var streamedToolCalls: [String] = []

    init(reasoningField: String?, contentBlocks: Bool, reasoning: ReasoningCache?) {
        self.reasoningField = reasoningField
        self.contentBlocks = contentBlocks
        self.reasoning = reasoning
        var patterns: [[UInt8]] = []
        if let reasoningField { patterns.append(Array("\"\(reasoningField)\"".utf8)) }
        if contentBlocks { patterns.append(Array(#""type":"#.utf8)) }
        self.patterns = patterns
    }

    var isEmpty: Bool { patterns.isEmpty && reasoning == nil }

    /// Answers passed on as they are.
    static let none = OpenAIAnswerQuirks(reasoningField: nil, contentBlocks: false, reasoning: nil)

    private func needsRewrite(_ data: [UInt8]) -> Bool {
        patterns.contains { ByteSearch.contains($0, in: data) }
    }

    /// One stream event's JSON, rewritten if needed. Most events contain none of the patterns and
    /// are returned untouched without being parsed.
    mutating func event(_ data: [UInt8]) -> [UInt8] {
        var data = data
        if needsRewrite(data) {
            data = normalised(data, container: "delta")
        }
        if reasoning != nil,
            ByteSearch.contains(Self.reasoningContentKey, in: data) || ByteSearch.contains(Self.toolCallsKey, in: data),
            let chunk = try? JSONDecoder().decode(ChunkProbe.self, from: Data(data))
        {
            for choice in chunk.choices ?? [] where (choice.index ?? 0) == 0 {
                streamedReasoning += choice.delta?.reasoning_content ?? ""
                streamedToolCalls += (choice.delta?.tool_calls ?? []).compactMap(\.id)
            }
        }
        return data
    }

    /// The stream ended: its reasoning now belongs to its tool calls.
    func finishStream() {
        guard !streamedReasoning.isEmpty else { return }
        reasoning?.remember(streamedReasoning, forToolCalls: streamedToolCalls)
    }

    func body(_ data: [UInt8]) -> [UInt8] {
        var data = data
        if needsRewrite(data) {
            data = normalised(data, container: "message")
        }
        if let reasoning, let answer = try? JSONDecoder().decode(AnswerProbe.self, from: Data(data)),
            let message = answer.choices?.first?.message, let text = message.reasoning_content, !text.isEmpty
        {
            reasoning.remember(text, forToolCalls: (message.tool_calls ?? []).compactMap(\.id))
        }
        return data
    }

    private func normalised(_ data: [UInt8], container: String) -> [UInt8] {
        guard case .object(var answer) = try? JSONValue.decode(data), case .array(let choices) = answer["choices"] else { return data }
        answer["choices"] = .array(
            choices.map { choice in
                guard case .object(var choice) = choice, case .object(var inner) = choice[container] else { return choice }
                var thoughts = ""
                if let field = reasoningField, case .string(let text)? = inner.removeValue(forKey: field) { thoughts += text }
                if contentBlocks, case .array(let blocks) = inner["content"] {
                    let (text, thinking) = Self.flatten(blocks)
                    thoughts += thinking
                    inner["content"] = text.isEmpty && container == "delta" ? nil : .string(text)
                }
                if !thoughts.isEmpty {
                    inner["reasoning_content"] = .string((inner["reasoning_content"]?.stringValue ?? "") + thoughts)
                }
                choice[container] = .object(inner)
                return .object(choice)
            })
        return JSONValue.object(answer).encoded()
    }

    /// Magistral's blocks: `{"type":"text","text"}` and `{"type":"thinking","thinking":[{"type":"text","text"}]}`.
    private static func flatten(_ blocks: [JSONValue]) -> (text: String, thinking: String) {
        var text = ""
        var thinking = ""
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                text += block["text"]?.stringValue ?? ""
            case "thinking":
                switch block["thinking"] {
                case .string(let value): thinking += value
                case .array(let parts): thinking += parts.compactMap { $0["text"]?.stringValue }.joined()
                default: break
                }
            default:
                break
            }
        }
        return (text, thinking)
    }

    private static let reasoningContentKey = Array(#""reasoning_content""#.utf8)
    private static let toolCallsKey = Array(#""tool_calls""#.utf8)

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
