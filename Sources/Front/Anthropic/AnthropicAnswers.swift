import FoundationEssentials
import Shared

extension OpenAIAnswerProbe {
    var anthropicUsage: AnthropicUsage {
        var usage = AnthropicUsage(input_tokens: self.usage?.prompt_tokens ?? 0, output_tokens: self.usage?.completion_tokens ?? 0)
        usage.cache_read_input_tokens = self.usage?.prompt_tokens_details?.cached_tokens
        return usage
    }
}

/// OpenAI chat answers → Anthropic Messages answers, whole (`message`) or as Anthropic's stream of
/// named events, for clients that came in on `/v1/messages`.
enum AnthropicAnswers {
    static func stopReason(_ finish: String?) -> String {
        switch finish {
        case "length": return "max_tokens"
        case "tool_calls", "function_call": return "tool_use"
        case "content_filter": return "refusal"
        default: return "end_turn"
        }
    }

    static func messageID(_ openAI: String?) -> String {
        "msg_" + (openAI.map { $0.hasPrefix("chatcmpl-") ? String($0.dropFirst(9)) : $0 } ?? OpenAIIdentifiers.random(24))
    }

    /// A whole OpenAI answer as an Anthropic `message`.
    static func message(fromChat body: [UInt8], model: String) throws(GatewayError) -> [UInt8] {
        guard let answer = try? JSONDecoder().decode(OpenAIAnswerProbe.self, from: Data(body)) else {
            throw .upstreamInvalid("gateway", detail: "the chat answer could not be read")
        }
        let choice = answer.choices?.first
        var content: [AnthropicBlock] = []
        if let reasoning = choice?.message?.reasoning_content, !reasoning.isEmpty {
            content.append(AnthropicBlock(type: "thinking", thinking: reasoning, signature: ""))
        }
        if let text = choice?.message?.content, !text.isEmpty { content.append(.text(text)) }
        for call in choice?.message?.tool_calls ?? [] {
            let input = (try? JSONValue.decode(Array((call.function?.arguments ?? "{}").utf8))) ?? .object([:])
            content.append(
                AnthropicBlock(type: "tool_use", id: call.id ?? OpenAIIdentifiers.toolCall(), name: call.function?.name ?? "", input: input)
            )
        }
        if content.isEmpty { content.append(.text("")) }
        let message = AnthropicResponse(
            id: messageID(answer.id), model: model, content: content, stop_reason: stopReason(choice?.finish_reason),
            usage: answer.anthropicUsage
        )
        return encode(message)
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}

/// Writes Anthropic's event stream from OpenAI chunks: `message_start`, then per content block
/// `content_block_start` / `_delta` / `_stop` (thinking, text, each tool call), then `message_delta`
/// with the stop reason and usage, and `message_stop`.
struct AnthropicStreamWriter {
    private enum Block: Equatable {
        case thinking
        case text
        case tool(Int)
    }

    let model: String
    private var started = false
    private var open: Block?
    private var blockIndex = -1
    private var stopReason: String?
    private var usage = AnthropicUsage(input_tokens: 0, output_tokens: 0)

    init(model: String) {
        self.model = model
    }

    /// The Anthropic events for one OpenAI chunk.
    mutating func events(for chunk: OpenAIAnswerProbe) -> [UInt8] {
        var out: [UInt8] = []
        if !started {
            started = true
            let skeleton = AnthropicResponse(
                id: AnthropicAnswers.messageID(chunk.id), model: model, content: [], stop_reason: nil, usage: usage)
            out += Self.event(AnthropicStreamEvent(type: "message_start", message: skeleton))
        }
        if chunk.usage != nil { usage = chunk.anthropicUsage }
        for choice in chunk.choices ?? [] where (choice.index ?? 0) == 0 {
            if let reasoning = choice.delta?.reasoning_content, !reasoning.isEmpty {
                out += switchTo(.thinking, start: AnthropicBlock(type: "thinking", thinking: "", signature: ""))
                out += Self.event(
                    AnthropicStreamEvent(
                        type: "content_block_delta", index: blockIndex, delta: .init(type: "thinking_delta", thinking: reasoning)))
            }
            if let text = choice.delta?.content, !text.isEmpty {
                out += switchTo(.text, start: .text(""))
                out += Self.event(
                    AnthropicStreamEvent(type: "content_block_delta", index: blockIndex, delta: .init(type: "text_delta", text: text)))
            }
            for fragment in choice.delta?.tool_calls ?? [] {
                let call = fragment.index ?? 0
                if fragment.id != nil || open != .tool(call) {
                    let start = AnthropicBlock(
                        type: "tool_use", id: fragment.id ?? OpenAIIdentifiers.toolCall(), name: fragment.function?.name ?? "",
                        input: .object([:])
                    )
                    out += switchTo(.tool(call), start: start, force: true)
                }
                if let arguments = fragment.function?.arguments, !arguments.isEmpty {
                    out += Self.event(
                        AnthropicStreamEvent(
                            type: "content_block_delta", index: blockIndex, delta: .init(type: "input_json_delta", partial_json: arguments))
                    )
                }
            }
            if let finish = choice.finish_reason { stopReason = AnthropicAnswers.stopReason(finish) }
        }
        return out
    }

    /// The stream's end: close the open block, then `message_delta` and `message_stop`.
    mutating func finish() -> [UInt8] {
        var out: [UInt8] = []
        if !started {
            out += events(for: OpenAIAnswerProbe())
        }
        out += close()
        out += Self.event(AnthropicStreamEvent(type: "message_delta", delta: .init(stop_reason: stopReason ?? "end_turn"), usage: usage))
        out += Self.event(AnthropicStreamEvent(type: "message_stop"))
        return out
    }

    /// An `error` event, for a failure after the stream started.
    static func error(_ error: GatewayError) -> [UInt8] {
        event(AnthropicStreamEvent(type: "error", error: .init(type: AnthropicErrors.type(for: error.status), message: error.message)))
    }

    private mutating func switchTo(_ block: Block, start: AnthropicBlock, force: Bool = false) -> [UInt8] {
        guard force || open != block else { return [] }
        var out = close()
        blockIndex += 1
        open = block
        out += Self.event(AnthropicStreamEvent(type: "content_block_start", index: blockIndex, content_block: start))
        return out
    }

    private mutating func close() -> [UInt8] {
        guard open != nil else { return [] }
        open = nil
        return Self.event(AnthropicStreamEvent(type: "content_block_stop", index: blockIndex))
    }

    private static func event(_ event: AnthropicStreamEvent) -> [UInt8] {
        Array("event: \(event.type)\ndata: ".utf8) + AnthropicAnswers.encode(event) + Array("\n\n".utf8)
    }
}
