import FoundationEssentials
import Shared

/// Anthropic answers → OpenAI answers, whole or streamed (reference §3).
struct AnthropicResponseTranslator: ResponseTranslator {
    let provider: String
    let includeUsage: Bool
    private let writer: AnswerWriter
    private var started = false
    private var stopped = false
    private var finished = false
    /// Anthropic block index → OpenAI tool-call index (a running count of tool calls, not the block index).
    private var toolIndexByBlock: [Int: Int] = [:]
    /// Blocks of the forced JSON tool: their input is the answer text.
    private var jsonBlocks: Set<Int> = []
    private var inputTokens: AnthropicUsage?
    private var outputTokens = 0
    private let thinking: ToolCallMemory<ThinkingBlock>
    private var streamedThinking = ThinkingBlock(thinking: "", signature: "")
    private var streamedToolIDs: [String] = []

    var reportedUsage: Usage? { inputTokens.map { Self.usage($0, output: outputTokens) } }

    init(provider: String, model: String, includeUsage: Bool, thinking: ToolCallMemory<ThinkingBlock>) {
        self.provider = provider
        self.includeUsage = includeUsage
        self.writer = AnswerWriter(model: model)
        self.thinking = thinking
    }

    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]] {
        let parsed: AnthropicStreamEvent
        do {
            parsed = try JSONDecoder().decode(AnthropicStreamEvent.self, from: Data(event.data))
        } catch {
            throw .upstreamInvalid(provider, detail: "a stream event is not an Anthropic event")
        }
        switch parsed.type {
        case "message_start":
            started = true
            inputTokens = parsed.message?.usage
            outputTokens = parsed.message?.usage?.output_tokens ?? 0
            return [writer.chunk(.init(role: "assistant", content: ""))]
        case "content_block_start":
            guard let block = parsed.content_block, let index = parsed.index else { return [] }
            switch block.type {
            case "tool_use" where block.name == AnthropicRequestTranslator.jsonTool:
                jsonBlocks.insert(index)
                return []
            case "tool_use":
                let position = toolIndexByBlock.count
                toolIndexByBlock[index] = position
                let id = block.id ?? OpenAIIdentifiers.toolCall()
                streamedToolIDs.append(id)
                let delta = ChatCompletionChunk.ToolCallDelta(index: position, id: id, name: block.name, arguments: "")
                return [writer.chunk(.init(tool_calls: [delta]))]
            case "text":
                guard let text = block.text, !text.isEmpty else { return [] }
                return [writer.chunk(.init(content: text))]
            default:
                return []
            }
        case "content_block_delta":
            guard let delta = parsed.delta, let index = parsed.index else { return [] }
            switch delta.type {
            case "text_delta":
                return delta.text.map { [writer.chunk(.init(content: $0))] } ?? []
            case "thinking_delta":
                streamedThinking.thinking += delta.thinking ?? ""
                return delta.thinking.map { [writer.chunk(.init(reasoning_content: $0))] } ?? []
            case "signature_delta":
                streamedThinking.signature += delta.signature ?? ""
                return []
            case "input_json_delta":
                guard let fragment = delta.partial_json, !fragment.isEmpty else { return [] }
                if jsonBlocks.contains(index) { return [writer.chunk(.init(content: fragment))] }
                guard let position = toolIndexByBlock[index] else { return [] }
                return [writer.chunk(.init(tool_calls: [.init(index: position, arguments: fragment)]))]
            default:
                return []
            }
        case "message_delta":
            if let output = parsed.usage?.output_tokens { outputTokens = output }
            guard let reason = parsed.delta?.stop_reason else { return [] }
            finished = true
            return [writer.chunk(.init(), finish: finishReason(reason))]
        case "message_stop":
            stopped = true
            return []
        case "error":
            throw AnthropicErrorMapper.streamError(provider: provider, type: parsed.error?.type, message: parsed.error?.message)
        default:
            // `ping` and event types added after this was written.
            return []
        }
    }

    mutating func finishStream() throws(GatewayError) -> [[UInt8]] {
        guard stopped || finished else {
            throw .upstreamUnreachable(provider, detail: "the stream ended before message_stop")
        }
        if !streamedThinking.signature.isEmpty { thinking.remember(streamedThinking, forToolCalls: streamedToolIDs) }
        var out: [[UInt8]] = []
        if !finished { out.append(writer.chunk(.init(), finish: "stop")) }
        if includeUsage { out.append(writer.usageChunk(Self.usage(inputTokens, output: outputTokens))) }
        return out
    }

    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        let response: AnthropicResponse
        do {
            response = try JSONDecoder().decode(AnthropicResponse.self, from: Data(body))
        } catch {
            throw .upstreamInvalid(provider, detail: "it is not an Anthropic message")
        }
        guard let blocks = response.content else {
            throw .upstreamInvalid(provider, detail: "the message has no content")
        }
        var text = ""
        var reasoning = ""
        var signed: ThinkingBlock?
        var calls: [ToolCall] = []
        for block in blocks {
            switch block.type {
            case "text": text += block.text ?? ""
            case "thinking":
                reasoning += block.thinking ?? ""
                if let signature = block.signature { signed = ThinkingBlock(thinking: block.thinking ?? "", signature: signature) }
            case "tool_use" where block.name == AnthropicRequestTranslator.jsonTool:
                text += FunctionTools.argumentsText(block.input)
            case "tool_use":
                calls.append(
                    ToolCall(
                        id: block.id ?? OpenAIIdentifiers.toolCall(), name: block.name ?? "",
                        arguments: FunctionTools.argumentsText(block.input)))
            default: break
            }
        }
        if let signed, !calls.isEmpty { thinking.remember(signed, forToolCalls: calls.map(\.id)) }
        let message = ChatMessage(
            role: "assistant", content: text.isEmpty && !calls.isEmpty ? nil : text,
            reasoning_content: reasoning.isEmpty ? nil : reasoning, tool_calls: calls.isEmpty ? nil : calls
        )
        var finish = finishReason(response.stop_reason ?? "end_turn")
        if calls.isEmpty && finish == "tool_calls" { finish = "stop" }
        return writer.completion(
            [.init(index: 0, message: message, finish_reason: finish)],
            usage: Self.usage(response.usage, output: response.usage?.output_tokens ?? 0)
        )
    }

    private func finishReason(_ reason: String) -> String {
        switch reason {
        case "max_tokens": return "length"
        case "tool_use": return toolIndexByBlock.isEmpty && !jsonBlocks.isEmpty ? "stop" : "tool_calls"
        case "refusal": return "content_filter"
        default: return "stop"
        }
    }

    /// Anthropic counts cached input apart from `input_tokens`; OpenAI's `prompt_tokens` includes it.
    static func usage(_ input: AnthropicUsage?, output: Int) -> Usage {
        let cacheRead = input?.cache_read_input_tokens ?? 0
        let prompt = (input?.input_tokens ?? 0) + cacheRead + (input?.cache_creation_input_tokens ?? 0)
        return Usage(prompt_tokens: prompt, completion_tokens: output, cachedTokens: cacheRead > 0 ? cacheRead : nil)
    }
}
