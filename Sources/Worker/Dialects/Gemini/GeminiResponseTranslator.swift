import FoundationEssentials
import Shared

/// Gemini answers → OpenAI answers, whole or streamed (reference §2.3 and §2.5).
struct GeminiResponseTranslator: ResponseTranslator {
    let provider: String
    let includeUsage: Bool
    private let writer: AnswerWriter
    private var started = false
    private var finished = false
    /// Per candidate, how many tool calls were emitted so far: the next call's `index`.
    private var toolCounts: [Int: Int] = [:]
    private var usage: Usage?
    var reportedUsage: Usage? { usage }
    /// Where issued signatures are remembered, by tool-call id (with and without the id's suffix).
    private let signatures: ToolCallMemory<String>

    init(provider: String, model: String, includeUsage: Bool, signatures: ToolCallMemory<String>) {
        self.provider = provider
        self.includeUsage = includeUsage
        self.writer = AnswerWriter(model: model)
        self.signatures = signatures
    }

    /// The OpenAI id of a Gemini call: its signature rides in the id (and in `extra_content`), and is remembered.
    private func callID(_ call: GeminiFunctionCall, signature: String?) -> String {
        let bare = call.id ?? OpenAIIdentifiers.toolCall()
        let id = ThoughtSignatures.attach(signature, to: bare)
        if let signature, !signature.isEmpty { signatures.remember(signature, forToolCalls: [bare, id]) }
        return id
    }

    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]] {
        let response = try decode(event.data)
        var out: [[UInt8]] = []
        if !started {
            started = true
            out.append(writer.chunk(.init(role: "assistant", content: "")))
        }
        if let metadata = response.usageMetadata { usage = Self.usage(metadata) }
        guard let candidates = response.candidates, !candidates.isEmpty else {
            if response.promptFeedback?.blockReason != nil {
                finished = true
                out.append(writer.chunk(.init(), finish: "content_filter"))
            }
            return out
        }
        for candidate in candidates {
            let index = candidate.index ?? 0
            for part in candidate.content?.parts ?? [] {
                if let call = part.functionCall {
                    let position = toolCounts[index, default: 0]
                    toolCounts[index] = position + 1
                    let delta = ChatCompletionChunk.ToolCallDelta(
                        index: position, id: callID(call, signature: part.thoughtSignature), name: call.name,
                        arguments: FunctionTools.argumentsText(call.args), thoughtSignature: part.thoughtSignature)
                    out.append(writer.chunk(.init(tool_calls: [delta]), index: index))
                } else if let text = part.text, !text.isEmpty {
                    let delta: ChatCompletionChunk.Delta = part.thought == true ? .init(reasoning_content: text) : .init(content: text)
                    out.append(writer.chunk(delta, index: index))
                }
            }
            if let reason = candidate.finishReason {
                let finish = try finishReason(reason, hasToolCalls: toolCounts[index] != nil)
                finished = true
                out.append(writer.chunk(.init(), finish: finish, index: index))
            }
        }
        return out
    }

    /// Gemini ends a stream by closing it, without a sentinel: a stream without a finish reason was cut.
    mutating func finishStream() throws(GatewayError) -> [[UInt8]] {
        guard finished else {
            throw .upstreamUnreachable(provider, detail: "the stream ended before a finish reason")
        }
        guard includeUsage, let usage else { return [] }
        return [writer.usageChunk(usage)]
    }

    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        let response = try decode(body)
        guard let candidates = response.candidates, !candidates.isEmpty else {
            guard response.promptFeedback?.blockReason != nil else {
                throw .upstreamInvalid(provider, detail: "the answer has no candidates")
            }
            let message = ChatMessage(role: "assistant", content: "")
            return writer.completion(
                [.init(index: 0, message: message, finish_reason: "content_filter")], usage: response.usageMetadata.map(Self.usage))
        }
        var choices: [ChatCompletion.Choice] = []
        for candidate in candidates {
            var text = ""
            var reasoning = ""
            var calls: [ToolCall] = []
            for part in candidate.content?.parts ?? [] {
                if let call = part.functionCall {
                    calls.append(
                        ToolCall(
                            id: callID(call, signature: part.thoughtSignature), name: call.name,
                            arguments: FunctionTools.argumentsText(call.args), thoughtSignature: part.thoughtSignature))
                } else if let value = part.text {
                    if part.thought == true { reasoning += value } else { text += value }
                }
            }
            let finish = try finishReason(candidate.finishReason ?? "STOP", hasToolCalls: !calls.isEmpty)
            let message = ChatMessage(
                role: "assistant", content: text.isEmpty && !calls.isEmpty ? nil : text,
                reasoning_content: reasoning.isEmpty ? nil : reasoning, tool_calls: calls.isEmpty ? nil : calls
            )
            choices.append(.init(index: candidate.index ?? choices.count, message: message, finish_reason: finish))
        }
        return writer.completion(choices, usage: response.usageMetadata.map(Self.usage))
    }

    private func decode(_ bytes: [UInt8]) throws(GatewayError) -> GeminiResponse {
        let response: GeminiResponse
        do {
            response = try JSONDecoder().decode(GeminiResponse.self, from: Data(bytes))
        } catch {
            throw .upstreamInvalid(provider, detail: "an answer is not a Gemini response")
        }
        if let error = response.error {
            throw GeminiErrorMapper.map(provider: provider, status: error.code ?? 500, error: error, headers: [])
        }
        return response
    }

    /// Reference §2.3. A call the model could not write is an error the client must see, not a quiet stop.
    private func finishReason(_ reason: String, hasToolCalls: Bool) throws(GatewayError) -> String {
        switch reason {
        case "STOP": return hasToolCalls ? "tool_calls" : "stop"
        case "MAX_TOKENS": return "length"
        case "SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "OTHER":
            return "content_filter"
        case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL":
            throw GatewayError(
                .malformedFunctionCall,
                message: "\(provider): the model produced a function call it could not complete (\(reason)); retry the request"
            )
        default:
            return hasToolCalls ? "tool_calls" : "stop"
        }
    }

    static func usage(_ metadata: GeminiResponse.UsageMetadata) -> Usage {
        let thoughts = metadata.thoughtsTokenCount
        return Usage(
            prompt_tokens: (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0),
            completion_tokens: (metadata.candidatesTokenCount ?? 0) + (thoughts ?? 0),
            cachedTokens: metadata.cachedContentTokenCount, reasoningTokens: thoughts
        )
    }
}
